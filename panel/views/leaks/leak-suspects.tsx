import { useEffect, useState } from 'react';
import { parseBundle } from '../../../agent/protocol/bundle-preview.js';
import { leakSuspects, SUSPECT_WINDOW } from '../../store/collections.js';
import { countsOf, lifelinesOf } from '../../store/panel-store.js';
import type { Session } from '../../store/session.js';
import { previewLine } from '../shared/bundle-display.js';
import { formatAge } from '../shared/format-age.js';
import { useTopics } from '../shared/use-topics.js';
import type { ViewState } from '../shared/view-state.js';
import { HeldByLine } from './held-by-line.js';
import './leaks.css';

/** Detached or released this long (ms) with no collection reported is worth a look. */
export const DETACHED_ALIVE_MS = 30_000;
/** How often the detached list is recomputed while nothing else changes, since it depends on time. */
const REFRESH_MS = 5_000;
/** Instances listed at most per list (the oldest): a session keeps up to MAX_LIFELINES, too many to render. */
const MAX_LISTED = 1_000;

function useNow(every: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(timer);
  }, [every]);
  return now;
}

/**
 * Types ranked by how steadily their live count rose across garbage collections, and instances
 * detached or released long ago that no collection has reported. Test contract: `table[aria-label="Leak
 * suspects"]` has one `tr[data-type]` per type in rank order, `td[data-col="rises"]` holding an integer.
 */
export function LeakSuspects({ view, session }: { view: ViewState; session: Session }) {
  useTopics(view.store, [countsOf(session.id), lifelinesOf(session.id)]);
  const now = useNow(REFRESH_MS);
  const suspects = leakSuspects(session.collections);
  const collections = session.collections.times.length;
  const detached = session.detachedAlive(now, DETACHED_ALIVE_MS);
  const released = session.releasedAlive(now, DETACHED_ALIVE_MS);
  return (
    <div className="leaks">
      <p className="muted table-note" data-testid="collections">
        {collections === 0
          ? 'No garbage collection seen yet: counts are compared right after collections (batches with destroyed instances). Use “Collect garbage”, or wait for the page to collect.'
          : `${collections} collection${collections === 1 ? '' : 's'} seen; ranked by rises in a row over the last ${SUSPECT_WINDOW}.`}
      </p>
      {suspects.length > 0 && (
        <table aria-label="Leak suspects" className="types leak-table">
          <thead>
            <tr>
              <th scope="col" className="name">Type</th>
              <th scope="col" className="number" title="Collections in a row, up to the latest, after which more were alive than after the one before">Rises in a row</th>
              <th scope="col" className="number" title={`Live after the latest collection minus after the first of the last ${SUSPECT_WINDOW}`}>Growth</th>
              <th scope="col" className="number">Live after last GC</th>
              <th scope="col">Trend</th>
            </tr>
          </thead>
          <tbody>
            {suspects.map((suspect) => (
              <tr key={suspect.type} data-type={suspect.type} className={suspect.rises > 0 ? 'suspect' : undefined}>
                <th scope="row" className="name">{suspect.type}</th>
                <td className="number" data-col="rises">{suspect.rises}</td>
                <td className="number" data-col="growth">{suspect.growth}</td>
                <td className="number" data-col="live">{suspect.counts.at(-1)}</td>
                <td><Sparkline values={suspect.counts} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section aria-label="Released but alive">
        <h2>Released over {DETACHED_ALIVE_MS / 1000} s ago, not collected</h2>
        <p className="muted table-note">Their owner let go of them (a component unmounted, a view disposed), yet they are still alive.</p>
        <AgedInstances view={view} session={session} ids={released} now={now} what="released" />
      </section>
      <section aria-label="Detached but alive">
        <h2>Detached over {DETACHED_ALIVE_MS / 1000} s ago, not reported collected</h2>
        <AgedInstances view={view} session={session} ids={detached} now={now} what="detached" />
      </section>
    </div>
  );
}

/** Instances (lifeline row ids, oldest first), each with how long ago it was `what`. */
function AgedInstances({ view, session, ids, now, what }: { view: ViewState; session: Session; ids: number[]; now: number; what: 'detached' | 'released' }) {
  const lifelines = session.lifelines;
  if (ids.length === 0) return <p className="muted table-note">None.</p>;
  return (
    <>
      <ul className="detached">
        {ids.slice(0, MAX_LISTED).map((id) => {
          const [stream, serial, bundle] = [lifelines.stream(id), lifelines.serial(id), lifelines.bundle(id)];
          const at = what === 'released' ? lifelines.releasedAt(id) : lifelines.detachedAt(id);
          return (
            <li key={`${stream}/${serial}`}>
              <button type="button" className="instance" onClick={() => view.selectInstance(session.id, stream, serial)}>
                <span className="serial">{lifelines.type(id)} #{serial}</span>
                <span className="muted">{what} {formatAge(now - at)} ago</span>
                <span className="preview">{bundle === undefined ? '' : previewLine(parseBundle(bundle))}</span>
                <HeldByLine store={view.store} selection={{ session: session.id, stream, serial }} />
              </button>
            </li>
          );
        })}
      </ul>
      {ids.length > MAX_LISTED && (
        <p className="muted table-note">{(ids.length - MAX_LISTED).toLocaleString('en')} more, {what} later, not listed.</p>
      )}
    </>
  );
}

const WIDTH = 80;
const HEIGHT = 18;

/** A tiny line of counts, scaled to its own range. */
function Sparkline({ values }: { values: readonly number[] }) {
  const min = Math.min(...values);
  const range = Math.max(...values) - min || 1;
  const step = values.length > 1 ? WIDTH / (values.length - 1) : 0;
  const points = values.map((value, i) => `${(i * step).toFixed(1)},${(HEIGHT - 1 - ((value - min) / range) * (HEIGHT - 2)).toFixed(1)}`).join(' ');
  return (
    <svg className="sparkline" width={WIDTH} height={HEIGHT} role="img" aria-label={`Live after each collection: ${values.join(', ')}`}>
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
