import { DROP_KEYS } from '../../store/drop-tally.js';
import { useTopics } from './use-topics.js';
import type { ViewState } from './view-state.js';

const DROP_LABELS: Record<(typeof DROP_KEYS)[number], string> = {
  agentEvents: 'Events dropped by agent',
  relayMessages: 'Messages dropped by relay',
  historyMessages: 'Messages evicted from history',
  invalidMessages: 'Invalid messages',
  gaps: 'Missing batches',
};

// One loss can show in two counters; the tooltip says so rather than guessing which caused a gap.
const GAPS_TITLE =
  'Batches whose sequence numbers never arrived, whatever the cause: includes batches counted as dropped by the relay or evicted from history.';

const CONNECTION_LABELS = { connecting: 'Connecting…', connected: 'Connected', reconnecting: 'Reconnecting…', offline: 'Viewer: no live connection' } as const;

/** Connection, event total, and every drop counter: losses are never silent. */
export function StatusBar({ view }: { view: ViewState }) {
  const store = view.store;
  useTopics(store, ['connection', 'drops']);
  // What is shown decides whose losses and events are counted: the live tab's or an import's.
  useTopics(view, ['selection']);
  const drops = view.drops;
  return (
    <footer className="status" data-testid="status">
      <span className="connection" data-connection={store.connection}>
        {CONNECTION_LABELS[store.connection]}
      </span>
      {store.tab.closed && <span className="warning">Tab closed</span>}
      <span>
        Events <strong data-testid="total-events">{view.totalEvents}</strong>
      </span>
      {DROP_KEYS.map((key) => (
        <span
          key={key}
          className={drops[key] > 0 ? 'drop nonzero' : 'drop'}
          title={key === 'gaps' ? GAPS_TITLE : key === 'invalidMessages' && store.lastInvalid !== null ? `Latest: ${store.lastInvalid}` : undefined}
        >
          {DROP_LABELS[key]} <strong data-drop={key}>{drops[key]}</strong>
        </span>
      ))}
    </footer>
  );
}
