import type { RecordedSession, Recording } from '../../agent/protocol/recording.js';
import { DropTally } from './drop-tally.js';
import type { ExportedSession } from './export-recording.js';
import { rememberRetainers } from './held-by.js';
import { ingest } from './ingest.js';
import { readRecording } from './read-recording.js';
import { Session, type ImportInfo } from './session.js';
import { MAX_SESSIONS } from './live-sessions.js';

/** Most imported sessions kept (counted apart from live ones); beyond it the earliest imported go first. */
export const MAX_IMPORTED_SESSIONS = MAX_SESSIONS;

/** An import's outcome: its newest session and what it left out, or why it failed (having changed nothing). */
export type Imported = { ok: true; newest: string; notice: string | null } | { ok: false; error: string };

/**
 * Sessions loaded from recording files, read-only, in import order, at most
 * MAX_IMPORTED_SESSIONS. Kept apart from the live ones, so a live page can never feed them.
 * Recordings come from anywhere, so they are checked fully (read-recording.ts) before any of them
 * is applied, through the same `ingest` as live messages.
 */
export class ImportedSessions {
  readonly #sessions = new Map<string, Session>();
  #imports = 0;

  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  values(): IterableIterator<Session> {
    return this.#sessions.values();
  }

  /** Loads a recording file's text for tab `tabId`'s store. Never throws. */
  import(text: string, file: string, tabId: number): Imported {
    const read = readRecording(text);
    return read.ok ? this.#load(read.recording, file, tabId) : { ok: false, error: read.error };
  }

  #load(recording: Recording, file: string, tabId: number): Imported {
    const started = new Map<string, number>();
    for (const entry of recording.sessions) {
      const key = listedAs(entry);
      started.set(key, Math.min(started.get(key) ?? Infinity, entry.startedAt));
    }
    const count = started.size;
    if (count === 0) return { ok: false, error: `Nothing to show: the recording ${file} holds no sessions` };
    // An Export all of a full panel (live sessions and imported ones) can hold more than the
    // imported list keeps: the newest are listed, and the notice says what was left out.
    const listed =
      count <= MAX_IMPORTED_SESSIONS
        ? started
        : new Map([...started].sort((a, b) => b[1] - a[1]).slice(0, MAX_IMPORTED_SESSIONS));
    const info: ImportInfo = { import: this.#imports + 1, file, drops: new DropTally() };
    const loaded = new Map<string, Session>();
    try {
      for (const entry of recording.sessions) {
        const key = listedAs(entry);
        if (!listed.has(key)) continue;
        let session = loaded.get(key);
        if (session === undefined) {
          session = new Session(`import-${info.import}/${key}`, entry.startedAt, info, entry.session);
          loaded.set(key, session);
        }
        const origin = { tabId, frameId: frameIdOf(entry, session.streams.size) };
        const stream = session.stream(entry.frame, origin);
        for (const message of entry.messages) ingest(session, origin, message, false, info.drops);
        rememberRetainers(session, entry.frame, entry.retainers);
        // Its hello may have been evicted before the export; the entry still names the URL.
        if (stream.url === undefined && entry.url !== '') stream.url = entry.url;
      }
    } catch (error) {
      return { ok: false, error: `Could not load the recording ${file}: ${error instanceof Error ? error.message : String(error)}` };
    }
    this.#imports = info.import;
    for (const session of loaded.values()) this.#sessions.set(session.id, session);
    for (const [id, session] of this.#sessions) {
      if (this.#sessions.size <= MAX_IMPORTED_SESSIONS) break;
      if (session.imported !== info) this.#sessions.delete(id);
    }
    const newest = [...loaded.values()].sort((a, b) => b.startTime - a.startTime)[0]!.id;
    const notice =
      listed.size < count
        ? `The recording ${file} holds ${count} sessions; the panel lists at most ${MAX_IMPORTED_SESSIONS} imported: the ${listed.size} newest are listed, the ${count - listed.size} older left out`
        : null;
    return { ok: true, newest, notice };
  }
}

/** Which listed session an entry makes part of: its `panelSession` when the panel wrote one, else its agent session. */
function listedAs(entry: RecordedSession): string {
  const listed = (entry as Partial<ExportedSession>).panelSession;
  return typeof listed === 'string' && listed !== '' ? listed : entry.session;
}

/** The Chrome frame id a recorded frame had: as exported by the panel, else the first frame is the top one. */
function frameIdOf(entry: RecordedSession, index: number): number {
  const frameId = (entry as Partial<ExportedSession>).frameId;
  return typeof frameId === 'number' && Number.isInteger(frameId) && frameId >= 0 ? frameId : index;
}
