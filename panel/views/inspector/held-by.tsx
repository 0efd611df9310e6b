import type { RecordedRetainer } from '../../../agent/protocol/recorded-retainers.js';
import type { InstanceKey, PanelStore } from '../../store/panel-store.js';
import './held-by.css';

/**
 * "Held by": what kept the selected instance alive when its recording ended (recordings made
 * with `npm run record -- <url> --why`). A live session cannot have it: Chrome does not give
 * extensions the HeapProfiler domain, so the section says so and how to get the path instead.
 * Test contract: `section[aria-label="Held by"]`, the path's lines as `li`s of `ol.held-by`.
 */
export function HeldBy({ store, selection }: { store: PanelStore; selection: InstanceKey }) {
  const retainer = store.heldBy(selection);
  const session = store.sessions.find((candidate) => candidate.id === selection.session);
  const url = session?.streams.get(selection.stream)?.url ?? '<url>';
  return (
    <section className="held-by" aria-label="Held by">
      <h3>Held by</h3>
      {retainer === undefined ? (
        session?.imported ? (
          <p className="muted">This recording has no retainer paths. Record with <code>npm run record -- {url} --why</code> to get them.</p>
        ) : (
          <p className="muted">
            Chrome does not let extensions take heap snapshots (the HeapProfiler domain is only for DevTools itself), so the live panel cannot say
            what holds an instance. Get the path with <code>npm run record -- {url} --why</code> and import the recording, or from Playwright with{' '}
            <code>await attachTrackables(page).whyAlive([{selection.serial}])</code>.
          </p>
        )
      ) : retainer === null ? (
        <p className="muted">Not alive when the recording ended, or not among the instances whose paths were recorded.</p>
      ) : (
        <RetainerLines retainer={retainer} />
      )}
    </section>
  );
}

function RetainerLines({ retainer }: { retainer: RecordedRetainer }) {
  if (retainer.status === 'unreachable') return <p>Nothing strong held it: the next garbage collection frees it.</p>;
  return (
    <>
      {retainer.harness !== undefined && <p className="harness">Held by {retainer.harness.text}. Fix: {retainer.harness.fix}.</p>}
      <ol className="held-by">
        {retainer.lines.map((line, index) => (
          <li key={index}>
            <code>{line}</code>
          </li>
        ))}
      </ol>
    </>
  );
}
