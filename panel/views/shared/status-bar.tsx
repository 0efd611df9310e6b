import { DROP_KEYS } from '../../store/drop-tally.js';
import { countsOf } from '../../store/panel-store.js';
import type { PartialDetail } from '../../store/session.js';
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

/** Says what the shown session's per-instance detail misses, when the agent's totals tell (its counts are exact anyway). */
function partialNote(detail: PartialDetail): string {
  const { missedEvents, droppedByAgent } = detail;
  const why: string[] = [];
  if (droppedByAgent > 0) why.push(`${droppedByAgent.toLocaleString('en')} dropped by the agent before DevTools listened`);
  const rest = missedEvents - droppedByAgent;
  if (rest > 0) why.push(`${rest.toLocaleString('en')} evicted from history or lost on the way`);
  return (
    `Counts are the page's own totals. The timeline, instance lists and bundles miss ${missedEvents.toLocaleString('en')} ` +
    `earlier event${missedEvents === 1 ? '' : 's'} (${why.join('; ')}).`
  );
}

/** Connection, event total, and every drop counter: losses are never silent. */
export function StatusBar({ view }: { view: ViewState }) {
  const store = view.store;
  // What is shown decides whose losses and events are counted: the live tab's or an import's.
  useTopics(view, ['selection']);
  const shown = view.selected;
  // The shown session's totals (its counts) tell what its detail misses.
  useTopics(store, shown === undefined ? ['connection', 'drops'] : ['connection', 'drops', countsOf(shown.id)]);
  const drops = view.drops;
  const partial = shown?.partialDetail() ?? null;
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
      {partial !== null && (
        <span className="partial" data-testid="partial-detail" data-missed={partial.missedEvents}>
          {partialNote(partial)}
        </span>
      )}
    </footer>
  );
}
