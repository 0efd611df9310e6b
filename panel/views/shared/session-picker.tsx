import type { Session } from '../../store/session.js';
import { useTopics } from './use-topics.js';
import type { ViewState } from './view-state.js';

/** How pickers name a session: when it started, its URL, and where it came from. */
export function describeSession(session: Session): string {
  if (session.imported !== null) {
    return `imported: ${session.url ?? '(no URL recorded)'} — ${new Date(session.startTime).toLocaleTimeString()} — ${session.imported.file}`;
  }
  const time = new Date(session.startTime).toLocaleTimeString();
  // A session's streams are its agents: one per copy of the agent running in the window.
  const streams = [...session.streams.values()];
  const frameIds = new Set(streams.map((stream) => stream.frameId));
  const where = session.hasTopFrame ? 'top frame' : `iframe${frameIds.size === 1 ? ` #${streams[0]!.frameId}` : ''}`;
  const frames = frameIds.size > 1 ? `, ${frameIds.size} frames` : '';
  const agents = streams.length > frameIds.size ? `, ${streams.length} agents` : '';
  return `${time} — ${session.url ?? '(URL not reported yet)'} — ${where}${frames}${agents}`;
}

/** Chooses the shown session; new page loads are selected automatically unless one is pinned. */
export function SessionPicker({ view }: { view: ViewState }) {
  useTopics(view, ['selection']);
  const sessions = view.store.sessions;
  return (
    <div className="session-picker">
      <label htmlFor="session-select">Session</label>
      <select
        id="session-select"
        data-testid="session-picker"
        value={view.selected?.id ?? ''}
        onChange={(event) => view.select(event.target.value)}
      >
        {sessions.map((session) => (
          <option key={session.id} value={session.id}>
            {describeSession(session)}
          </option>
        ))}
      </select>
      <span data-testid="session-count" className="muted">
        {sessions.length} {sessions.length === 1 ? 'session' : 'sessions'}
      </span>
    </div>
  );
}
