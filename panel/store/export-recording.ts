import type { AgentMessage } from '../../agent/protocol/messages.js';
import { buildRecording, type RecordedSession, type Recording } from '../../agent/protocol/recording.js';
import { retainersOf } from './held-by.js';
import type { Session } from './session.js';

/** A recording written by the panel: frames also say their Chrome frame id, and losses are stated. */
export interface ExportedSession extends RecordedSession {
  /** Chrome's frame id (0: the top frame), so an import shows frames as the panel did. */
  frameId: number;
  /** Earliest messages the panel no longer kept (see kept-messages.ts), and their events. */
  evictedMessages?: number;
  evictedEvents?: number;
  /**
   * In an export of all sessions: the panel's id of the listed session the entry belongs to. An
   * imported copy of a live session has the same agent session id; this keeps the two apart.
   */
  panelSession?: string;
}

export interface ExportedRecording extends Recording {
  sessions: ExportedSession[];
  /** Why the recording is incomplete, when it is. */
  notes?: string[];
}

/** One session as a recording of the messages kept for it. */
export function exportSession(session: Session, now: number): ExportedRecording {
  const notes: string[] = [];
  return recording(exportedStreams(session, notes), notes, now);
}

/**
 * Sessions, oldest first, as one recording: importing it lists each apart again (see
 * `panelSession`). Null when there is none.
 */
export function exportSessions(listed: readonly Session[], now: number): ExportedRecording | null {
  // Stable: sessions that started together stay in listed order.
  const sessions = [...listed].sort((a, b) => a.startTime - b.startTime);
  if (sessions.length === 0) return null;
  const notes: string[] = [];
  const entries = sessions.flatMap((session) => exportedStreams(session, notes).map((entry) => ({ ...entry, panelSession: session.id })));
  return recording(entries, notes, now);
}

/** One entry per stream of `session`, of the messages kept for it; adds to `notes` what they miss. */
function exportedStreams(session: Session, notes: string[]): ExportedSession[] {
  return [...session.streams.values()].map((stream): ExportedSession => {
    const messages = stream.kept.list();
    const { evictedMessages, evictedEvents } = stream.kept;
    const entry: ExportedSession = {
      session: session.agentSession,
      frame: stream.stream,
      url: stream.url ?? '',
      startedAt: startOf(messages) ?? session.startTime,
      messages,
      frameId: stream.frameId,
    };
    // An imported session's retainer paths go out again with it.
    const retainers = retainersOf(session, stream.stream);
    if (retainers !== undefined) entry.retainers = retainers;
    if (evictedMessages === 0) return entry;
    notes.push(
      `Frame ${stream.stream}: the panel kept only its latest messages; ${evictedMessages} earlier messages ` +
        `(${evictedEvents} events) are missing, so counts decoded from this recording start mid-session.`,
    );
    return { ...entry, evictedMessages, evictedEvents };
  });
}

function recording(sessions: ExportedSession[], notes: string[], now: number): ExportedRecording {
  const written = buildRecording('trackables/panel', sessions, now);
  return notes.length > 0 ? { ...written, notes } : written;
}

/** The agent's start as its messages tell it: the hello's time, else the first batch's t0. */
function startOf(messages: AgentMessage[]): number | undefined {
  const first = messages.find((message) => message.kind === 'hello') ?? messages[0];
  return first === undefined ? undefined : first.kind === 'batch' ? first.t0 : first.time;
}
