import { ObjectInspector, ObjectLabel, ObjectName, ObjectRootLabel } from 'react-inspector';
import { parseBundle, type Preview } from '../../../agent/protocol/bundle-preview.js';
import { lifelinesOf } from '../../store/panel-store.js';
import type { BundleEntry } from '../../store/bundle-histories.js';
import { bundleHistory } from '../../store/session.js';
import { bundleChange, describeChange, PlaceholderValue, toDisplay } from '../shared/bundle-display.js';
import { HeldBy } from './held-by.js';
import { RevealInConsole } from './reveal-in-console.js';
import type { Theme } from '../shared/theme.js';
import { useTopics } from '../shared/use-topics.js';
import type { ViewState } from '../shared/view-state.js';
import './inspector.css';

interface NodeProps {
  depth: number;
  name?: string;
  data: unknown;
  isNonenumerable?: boolean;
}

/** DevTools' own labels, except placeholders, which read "kind text" rather than as objects. */
function renderNode({ depth, name, data, isNonenumerable }: NodeProps) {
  if (data instanceof PlaceholderValue) {
    return (
      <span>
        {name !== undefined && (
          <>
            <ObjectName name={name} dimmed={isNonenumerable} />:{' '}
          </>
        )}
        <span className="placeholder">
          {/* Texts such as "function onSave" already start with the kind. */}
          {!data.text.startsWith(data.kind) && <em>{data.kind} </em>}
          {data.text}
        </span>
      </span>
    );
  }
  return depth === 0 ? <ObjectRootLabel name={name} data={data} /> : <ObjectLabel name={name} data={data} isNonenumerable={isNonenumerable} />;
}

const parse = (bundle: string | undefined): Preview | undefined => (bundle === undefined ? undefined : parseBundle(bundle));

/**
 * The selected instance: "Reveal in Console", its bundle as an expandable tree, and the bundle's
 * history, each entry with what changed from the one before. Test contract: `[aria-label="Bundle inspector"]`
 * holds the tree and `ol[aria-label="Bundle history"]`, one `li` per entry.
 */
export function BundleInspector({ view, theme }: { view: ViewState; theme: Theme }) {
  useTopics(view, ['selection']);
  const picked = view.selectedInstance()?.session;
  // A picked instance is detached, updated, collected or evicted as its session's lifelines change.
  useTopics(view.store, picked === undefined ? [] : [lifelinesOf(picked)]);
  const selected = view.selectedInstance();
  if (selected === undefined) {
    return (
      <section className="inspector" aria-label="Bundle inspector">
        <p className="muted table-note">Select an instance to see its bundle.</p>
      </section>
    );
  }
  const { record, serial } = selected;
  const history = bundleHistory(record);
  return (
    <section className="inspector" aria-label="Bundle inspector">
      <h2>
        {record.type} #{serial}
        {record.destroyed !== undefined && <span className="muted"> collected {new Date(record.destroyed).toLocaleTimeString()}</span>}
        {record.released !== undefined && <span className="muted" data-state="released"> released {new Date(record.released).toLocaleTimeString()}</span>}
        {record.detached !== undefined && <span className="muted"> detached {new Date(record.detached).toLocaleTimeString()}</span>}
      </h2>
      <RevealInConsole key={`${selected.session}\n${selected.stream}\n${serial}`} store={view.store} selected={selected} />
      <div className="bundle-tree" data-testid="bundle-tree">
        {record.bundle === undefined ? (
          <p className="muted">No bundle set.</p>
        ) : (
          <ObjectInspector data={toDisplay(parseBundle(record.bundle))} expandLevel={2} theme={theme === 'dark' ? 'chromeDark' : 'chromeLight'} nodeRenderer={renderNode} />
        )}
      </div>
      <HeldBy store={view.store} selection={selected} />
      <h3>Bundle history</h3>
      <ol className="bundle-history" aria-label="Bundle history">
        {history.map((entry, index) => (
          <li key={index} data-op={entry.op}>
            <time className="muted">{new Date(entry.time).toLocaleTimeString()}</time> {historyText(entry, history[index - 1])}
          </li>
        ))}
      </ol>
    </section>
  );
}

function historyText(entry: BundleEntry, previous: BundleEntry | undefined): string {
  if (entry.op === 'attached') return entry.bundle === undefined ? 'attached, no bundle' : 'attached with a bundle';
  // The entry before this one was forgotten (the history is bounded): nothing to compare with.
  if (previous === undefined) return 'updated (earlier history not kept)';
  return `updated: ${describeChange(bundleChange(parse(previous.bundle), parse(entry.bundle)))}`;
}
