import { useState } from 'react';
import type { PanelStore } from '../../store/panel-store.js';
import type { SelectedInstance } from '../shared/view-state.js';
import type { InstanceRecord } from '../../store/lifelines.js';
import type { Session } from '../../store/session.js';
import { DEVTOOLS_HOOK } from '../../../agent/protocol/messages.js';
import { inspectedWindow, reveal, revealLabel, type InspectedWindow, type RevealOutcome, type RevealRequest } from '../../reveal.js';

type State = { kind: 'idle' } | { kind: 'working' } | { kind: 'done'; outcome: RevealOutcome };

/**
 * "Reveal in Console" for the selected instance: asks the page for the object (see reveal.ts)
 * and says what came of it. Disabled, with a title saying why, where there is no page to ask.
 * Test contract: the button's name is "Reveal in Console"; the outcome is `[data-reveal=<kind>]`.
 * Render it with a `key` per instance, so an outcome never outlives its instance's selection.
 */
export function RevealInConsole({ store, selected }: { store: PanelStore; selected: SelectedInstance }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const session = store.sessions.find((candidate) => candidate.id === selected.session);
  if (session === undefined) return null;
  const window = inspectedWindow();
  const unavailable = whyUnavailable(store, session, window);
  const { record, serial } = selected;

  const onReveal = async (): Promise<void> => {
    if (window === null) return;
    // Known to be collected: there is nothing to ask the page.
    if (record.destroyed !== undefined) return setState({ kind: 'done', outcome: { kind: 'collected' } });
    const request: RevealRequest = { session: session.agentSession, serial, type: record.type };
    const stream = session.streams.get(selected.stream);
    if (stream !== undefined && stream.frameId !== 0) {
      if (stream.url === undefined) return setState({ kind: 'done', outcome: { kind: 'failed', message: 'the frame has not said its URL yet' } });
      request.frameUrl = stream.url;
    }
    setState({ kind: 'working' });
    setState({ kind: 'done', outcome: await reveal(window, request) });
  };

  return (
    <div className="reveal">
      <button type="button" onClick={() => void onReveal()} disabled={unavailable !== null || state.kind === 'working'} title={unavailable ?? `Log this ${record.type} in the page's Console and inspect it`}>
        Reveal in Console
      </button>
      {/* Always there, so screen readers announce what appears in it. */}
      <span role="status">
        {state.kind === 'done' && (
          <span data-reveal={state.outcome.kind} className={state.outcome.kind === 'revealed' ? 'muted' : 'reveal-problem'}>
            {outcomeText(state.outcome, record, serial, session.agentSession)}
          </span>
        )}
      </span>
    </div>
  );
}

function whyUnavailable(store: PanelStore, session: Session, window: InspectedWindow | null): string | null {
  if (session.imported !== null) return 'This session was imported from a recording: its objects are in no page.';
  if (window === null) {
    return 'Revealing needs DevTools: chrome.devtools is only available inside DevTools. Open this panel from the Trackables tab of DevTools on the page.';
  }
  return window.tabId === store.tabId ? null : 'This panel shows another tab than the one DevTools inspects.';
}

function outcomeText(outcome: RevealOutcome, record: InstanceRecord, serial: number, agentSession: string): string {
  const name = `${record.type} #${serial}`;
  switch (outcome.kind) {
    case 'revealed':
      return `Revealed: logged in the page's Console as “${revealLabel(record.type, serial)}” (Esc shows the Console drawer).`;
    case 'collected':
      return record.destroyed === undefined
        ? `Gone: ${name} was garbage-collected (its destroyed event has not reached the panel yet).`
        : `Gone: ${name} was garbage-collected at ${new Date(record.destroyed).toLocaleTimeString()}.`;
    case 'not-kept':
      return (
        `Not kept: the page does not keep ${record.type} instances for DevTools. Turn on object tracking for ${record.type} with ` +
        `tracker.setObjectTracking(${record.type}) on the page's PostMessageTracker (or setInstanceLookup(${record.type})) to reveal instances created from then on.`
      );
    case 'unknown-session':
      return "Page reloaded: this session's agent is no longer in the page (it was reloaded or navigated, or its tracker disposed).";
    case 'no-hook':
      return 'No Trackables agent in the page to ask: it was reloaded or navigated to a page without one (or the page has its own __TRACKABLES_DEVTOOLS_HOOK__).';
    case 'frame-unsupported':
      return (
        `Cannot reveal ${name} from here: it lives in an iframe, and this browser's DevTools evaluates only in the top frame ` +
        `(Firefox's inspectedWindow.eval has no frameURL). In the Console, pick the iframe in the frame selector, then run ` +
        `${DEVTOOLS_HOOK}.find(${[agentSession, serial, record.type].map((value) => JSON.stringify(value)).join(', ')}).instance`
      );
    case 'failed':
      return `Could not reveal ${name}: ${outcome.message}.`;
  }
}
