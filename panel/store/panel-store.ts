import type { AgentBatch, AgentMessage, Origin, PageToWorker, PanelSubscribe, WorkerHistory, WorkerToPanel } from '../../agent/protocol/messages.js';
import { buildRecording, type RecordedSession, type Recording } from '../../agent/protocol/recording.js';
import { checkWorkerToPanel } from '../../agent/protocol/validate.js';
import { comparedPair, type ComparedPair, type ComparePick } from './compare.js';
import { DropTally, type DropTotals } from './drop-tally.js';
import { FrameNotifier, type Schedule } from './frame-notifier.js';
import { rememberRetainers, retainerOf } from './held-by.js';
import { readRecording } from './read-recording.js';
import { Session, type FrameInfo, type ImportInfo } from './session.js';
import type { InstanceRecord } from './lifelines.js';

/** Most sessions kept; beyond it the oldest one not on screen is forgotten. */
export const MAX_SESSIONS = 20;
/**
 * About the most memory the live sessions' lifelines may hold when a new page load starts a
 * session: past it, the oldest not on screen are forgotten first. One session at its bounds
 * holds ~75 MB (250,000 lifelines, 2,000,000 marks), so 20 heavy page loads would otherwise keep
 * ~1.5 GB; this keeps about three such besides the one growing.
 */
export const LIVE_SESSIONS_BUDGET_BYTES = 256 * 1024 * 1024;
/** Forgotten sessions whose seqs are still reported in `have`, so the worker does not resend them. */
const MAX_FORGOTTEN = 100;
/** Most imported sessions kept (counted apart from live ones); beyond it the earliest imported go first. */
export const MAX_IMPORTED_SESSIONS = MAX_SESSIONS;
/** Least time between asks for totals made because batches went missing. */
const ASK_INTERVAL_MS = 1_000;
/** `tabId` of a store that shows no tab, only imported recordings (chrome.tabs.TAB_ID_NONE). */
export const NO_TAB = -1;

/** `offline`: a store with no tab (NO_TAB), which never connects. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

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

/** An instance picked for the bundle inspector. */
export interface InstanceSelection {
  readonly session: string;
  readonly frame: string;
  readonly serial: number;
}

export interface SelectedInstance extends InstanceSelection {
  readonly record: InstanceRecord;
}

export interface TabState {
  closed: boolean;
  /** Where the tab last navigated, when the worker said so. */
  url?: string;
}

/**
 * Everything the panel knows about one tab, fed with raw port messages. Plain TypeScript: views
 * subscribe to it (useSyncExternalStore with `subscribe` and `version`) and read it in render.
 *
 * Never throws on input: messages are validated here, at the one entry point, and anything
 * invalid, or that breaks while being applied, is dropped and counted.
 */
export class PanelStore {
  readonly tabId: number;
  readonly #notifier: FrameNotifier;
  /** Live sessions only: imported ones are in #imported, so a live page can never feed them. */
  readonly #sessions = new Map<string, Session>();
  /** In import order. */
  readonly #imported = new Map<string, Session>();
  #imports = 0;
  #importError: string | null = null;
  #importNotice: string | null = null;
  readonly #forgotten = new Map<string, PanelSubscribe['have']>();
  readonly #drops = new DropTally();
  #selected: string | null = null;
  #instance: InstanceSelection | null = null;
  #pinned = false;
  #newestTop: string | null = null;
  #connection: ConnectionState;
  #tab: TabState = { closed: false };
  #lastInvalid: string | null = null;
  #comparePick: ComparePick = { baseline: null, target: null };

  readonly #budgetBytes: number;
  /** Epoch ms of the latest ask for totals made because of a gap. */
  #askedAt = -Infinity;

  /**
   * Asks the page's agents for their running totals, which come back as agent messages: called
   * after every history (the panel may have missed what the worker evicted) and when batches go
   * missing. keepConnected sets it to a PanelAnnounce on the port; by default nothing is asked.
   */
  askForTotals: () => void = () => undefined;

  constructor(tabId: number, schedule: Schedule, budgetBytes = LIVE_SESSIONS_BUDGET_BYTES) {
    this.tabId = tabId;
    this.#budgetBytes = budgetBytes;
    this.#notifier = new FrameNotifier(schedule);
    this.#connection = tabId === NO_TAB ? 'offline' : 'connecting';
  }

  readonly subscribe = (listener: () => void): (() => void) => this.#notifier.subscribe(listener);

  /** Changes whenever subscribers are told of changes. */
  readonly getVersion = (): number => this.#notifier.version;

  /** Takes one message from the worker's port. */
  receive(data: unknown): void {
    const checked = checkWorkerToPanel(data);
    if (!checked.ok) {
      this.#invalid(checked.reason);
    } else {
      try {
        this.#apply(checked.message);
      } catch (error) {
        this.#invalid(`could not apply: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.#notifier.changed();
  }

  /** Sessions, live and imported, newest first. */
  get sessions(): Session[] {
    return [...this.#sessions.values(), ...this.#imported.values()].sort((a, b) => b.startTime - a.startTime);
  }

  get selected(): Session | undefined {
    return this.#selected === null ? undefined : this.#find(this.#selected);
  }

  /** Shows a session. Picking anything but the newest page load pins it: new loads no longer take over. */
  select(id: string): void {
    if (this.#find(id) === undefined) return;
    this.#selected = id;
    this.#pinned = id !== this.#newestTop;
    this.#notifier.changed();
  }

  /**
   * Picks an instance for the inspector. Named apart from `select`, which picks the shown session.
   * Selecting what the store does not remember clears the selection.
   */
  selectInstance(session: string, frame: string, serial: number): void {
    this.#instance = this.#find(session)?.instance(frame, serial) === undefined ? null : { session, frame, serial };
    this.#notifier.changed();
  }

  /** The picked instance while it is still remembered (instances are evicted, sessions forgotten). */
  selectedInstance(): SelectedInstance | undefined {
    if (this.#instance === null) return undefined;
    const { session, frame, serial } = this.#instance;
    const record = this.#find(session)?.instance(frame, serial);
    return record === undefined ? undefined : { session, frame, serial, record };
  }

  /**
   * What held an instance when its recording ended (see held-by.ts): the path, null when the
   * recording has paths but not this one, undefined when its session has none (live sessions never do).
   */
  heldBy(instance: InstanceSelection) {
    return retainerOf(this.#find(instance.session), instance.frame, instance.serial);
  }

  /** Sets the Δ baseline of the shown session to its current counts. */
  mark(time = Date.now()): void {
    this.selected?.setMark(time);
    this.#notifier.changed();
  }

  /** What to send in PanelSubscribe so the worker replays only batches this store lacks. */
  have(): PanelSubscribe['have'] {
    const have: PanelSubscribe['have'] = [];
    for (const session of this.#sessions.values()) {
      for (const frame of session.frames.values()) have.push({ session: session.id, frame: frame.frame, seq: frame.lastSeq });
    }
    for (const frames of this.#forgotten.values()) have.push(...frames);
    return have;
  }

  /** Losses of what is shown: the live connection's, or those the shown import's recording reveals. */
  get drops(): DropTotals {
    return (this.selected?.imported?.drops ?? this.#drops).totals();
  }

  /** Why the latest invalid message was rejected. */
  get lastInvalid(): string | null {
    return this.#lastInvalid;
  }

  /** Events of the live sessions, or of the shown import's sessions. */
  get totalEvents(): number {
    const shown = this.selected?.imported ?? null;
    let total = 0;
    for (const session of shown === null ? this.#sessions.values() : this.#imported.values()) {
      if (session.imported === shown) total += session.events;
    }
    return total;
  }

  /** Why the latest import failed; null after a successful one or dismiss. */
  get importError(): string | null {
    return this.#importError;
  }

  /** Shows why reading a file failed before it reached importRecording; null dismisses. */
  setImportError(message: string | null): void {
    this.#importError = message;
    this.#notifier.changed();
  }

  /** What the latest import left out, though it succeeded; null when it took everything, or after dismiss. */
  get importNotice(): string | null {
    return this.#importNotice;
  }

  dismissImportNotice(): void {
    this.#importNotice = null;
    this.#notifier.changed();
  }

  /**
   * Loads a recording file's text as read-only sessions, fed through the same code as live
   * messages, and shows its newest session. Returns false, and sets `importError`, when the file is no
   * readable recording; then the store is left as it was.
   */
  importRecording(text: string, file: string): boolean {
    const read = readRecording(text);
    this.#importNotice = null;
    this.#importError = read.ok ? this.#load(read.recording, file) : read.error;
    this.#notifier.changed();
    return this.#importError === null;
  }

  /** A session (default: the shown one) as a recording of the messages kept for it, or null. */
  exportSession(id = this.#selected, now = Date.now()): ExportedRecording | null {
    const session = id === null ? undefined : this.#find(id);
    if (session === undefined) return null;
    const notes: string[] = [];
    return recording(exportedFrames(session, notes), notes, now);
  }

  /**
   * Every listed session, live and imported, oldest first, as one recording: importing it lists
   * each apart again (see `panelSession`). Null when no session is listed.
   */
  exportAll(now = Date.now()): ExportedRecording | null {
    // Stable: sessions that started together stay in listed order.
    const sessions = this.sessions.sort((a, b) => a.startTime - b.startTime);
    if (sessions.length === 0) return null;
    const notes: string[] = [];
    const entries = sessions.flatMap((session) => exportedFrames(session, notes).map((entry) => ({ ...entry, panelSession: session.id })));
    return recording(entries, notes, now);
  }

  /** The sessions the Compare view shows: the user's picks, or the previous session against the shown one. */
  get compared(): ComparedPair {
    return comparedPair(this.sessions, this.selected, this.#comparePick);
  }

  /** Picks the baseline, the target or both of the comparison (an id not listed falls back to the default). */
  pickCompared(pick: Partial<ComparePick>): void {
    this.#comparePick = { ...this.#comparePick, ...pick };
    this.#notifier.changed();
  }

  get connection(): ConnectionState {
    return this.#connection;
  }

  setConnection(state: ConnectionState): void {
    if (state === this.#connection) return;
    this.#connection = state;
    this.#notifier.changed();
  }

  get tab(): TabState {
    return this.#tab;
  }

  #invalid(reason: string): void {
    this.#drops.invalid();
    this.#lastInvalid = reason;
  }

  #apply(message: WorkerToPanel): void {
    switch (message.kind) {
      case 'relay':
        if (message.origin.tabId !== this.tabId) return this.#invalid(`relay for tab ${message.origin.tabId}`);
        if (message.message.kind === 'relay-dropped') this.#drops.relayDropped(message.message);
        else this.#fromPage(message.origin, message.message, true);
        return;
      case 'history':
        return this.#history(message);
      case 'tab':
        if (message.tabId !== this.tabId) return this.#invalid(`tab event for tab ${message.tabId}`);
        this.#tab = message.event === 'closed' ? { closed: true } : message.url === undefined ? { closed: false } : { closed: false, url: message.url };
        return;
    }
  }

  #history(history: WorkerHistory): void {
    if (history.tabId !== this.tabId) return this.#invalid(`history for tab ${history.tabId}`);
    for (const { origin, message } of history.entries) {
      // The worker folds relay-drop notices into `drops`; one repeated here is already counted.
      if (message.kind === 'relay-dropped') continue;
      if (origin.tabId !== this.tabId) this.#invalid(`history entry for tab ${origin.tabId}`);
      else this.#fromPage(origin, message, false);
    }
    this.#drops.history(history.drops);
    this.#ask();
  }

  #ask(): void {
    this.#askedAt = Date.now();
    try {
      this.askForTotals();
    } catch {
      // The counts stay as the events made them.
    }
  }

  #fromPage(origin: Origin, message: AgentMessage, live: boolean): void {
    if (this.#forgotten.has(message.session)) return;
    const session = this.#session(message.session, message.kind === 'batch' ? message.t0 : message.time);
    const hadTop = session.hasTopFrame;
    this.#feed(session, origin, message, live, this.#drops);
    if (!hadTop && session.hasTopFrame) this.#topFrameSeen(session);
  }

  /** The one path every agent message takes into a session, live or imported. */
  #feed(session: Session, origin: Origin, message: AgentMessage, live: boolean, drops: DropTally): void {
    const frame = session.frame(message.frame, origin);
    if (message.kind === 'hello') session.hello(frame, message);
    else if (message.kind === 'totals') session.applyTotals(frame, message);
    else this.#batch(session, frame, message, live, drops);
  }

  #batch(session: Session, frame: FrameInfo, batch: AgentBatch, live: boolean, drops: DropTally): void {
    // Replays after a reconnect, and copies, carry seqs already applied.
    if (batch.seq <= frame.lastSeq) return;
    if (batch.seq > frame.lastSeq + 1) {
      drops.gap(batch.seq - frame.lastSeq - 1);
      // Once a second at most: a flood loses many batches in a row.
      if (live && session.imported === null && Date.now() - this.#askedAt > ASK_INTERVAL_MS) this.#ask();
    }
    drops.batchApplied(batch.dropped, live);
    session.applyBatch(frame, batch);
  }

  #find(id: string): Session | undefined {
    return this.#sessions.get(id) ?? this.#imported.get(id);
  }

  /** Adds a checked recording's sessions; returns why it could not, then having changed nothing. */
  #load(recording: Recording, file: string): string | null {
    const started = new Map<string, number>();
    for (const entry of recording.sessions) {
      const key = listedAs(entry);
      started.set(key, Math.min(started.get(key) ?? Infinity, entry.startedAt));
    }
    const count = started.size;
    if (count === 0) return `Nothing to show: the recording ${file} holds no sessions`;
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
        const origin = { tabId: this.tabId, frameId: frameIdOf(entry, session.frames.size) };
        const frame = session.frame(entry.frame, origin);
        for (const message of entry.messages) this.#feed(session, origin, message, false, info.drops);
        rememberRetainers(session, entry.frame, entry.retainers);
        // Its hello may have been evicted before the export; the entry still names the URL.
        if (frame.url === undefined && entry.url !== '') frame.url = entry.url;
      }
    } catch (error) {
      return `Could not load the recording ${file}: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.#imports = info.import;
    for (const session of loaded.values()) this.#imported.set(session.id, session);
    for (const [id, session] of this.#imported) {
      if (this.#imported.size <= MAX_IMPORTED_SESSIONS) break;
      if (session.imported !== info) this.#imported.delete(id);
    }
    // Shown pinned: a page load in the inspected tab must not take the view away from the import.
    this.#selected = [...loaded.values()].sort((a, b) => b.startTime - a.startTime)[0]!.id;
    this.#pinned = true;
    if (listed.size < count) {
      this.#importNotice = `The recording ${file} holds ${count} sessions; the panel lists at most ${MAX_IMPORTED_SESSIONS} imported: the ${listed.size} newest are listed, the ${count - listed.size} older left out`;
    }
    return null;
  }

  #session(id: string, time: number): Session {
    let session = this.#sessions.get(id);
    if (session === undefined) {
      session = new Session(id, time);
      this.#sessions.set(id, session);
      this.#selected ??= id;
      // Checked as a session starts: only the newest page load still grows.
      while (this.#sessions.size > MAX_SESSIONS || this.#liveBytes() > this.#budgetBytes) {
        if (!this.#forgetOldest(id)) break;
      }
    }
    return session;
  }

  #liveBytes(): number {
    let bytes = 0;
    for (const session of this.#sessions.values()) bytes += session.lifelines.approximateBytes;
    return bytes;
  }

  /** A new page load in the top frame: show it, unless the user pinned another session. */
  #topFrameSeen(session: Session): void {
    if (this.#newestTop !== null && (this.#sessions.get(this.#newestTop)?.startTime ?? -Infinity) > session.startTime) return;
    this.#newestTop = session.id;
    if (!this.#pinned) this.#selected = session.id;
  }

  /** Forgets the oldest session that is neither shown nor `keep`; false when there is none. */
  #forgetOldest(keep: string): boolean {
    let oldest: Session | undefined;
    for (const session of this.#sessions.values()) {
      if (session.id !== this.#selected && session.id !== keep && (oldest === undefined || session.startTime < oldest.startTime)) oldest = session;
    }
    if (oldest === undefined) return false;
    this.#sessions.delete(oldest.id);
    if (this.#newestTop === oldest.id) this.#newestTop = null;
    this.#forgotten.set(
      oldest.id,
      [...oldest.frames.values()].map((frame) => ({ session: oldest.id, frame: frame.frame, seq: frame.lastSeq })),
    );
    if (this.#forgotten.size > MAX_FORGOTTEN) this.#forgotten.delete(this.#forgotten.keys().next().value!);
    return true;
  }
}

/** One entry per frame of `session`, of the messages kept for it; adds to `notes` what they miss. */
function exportedFrames(session: Session, notes: string[]): ExportedSession[] {
  return [...session.frames.values()].map((frame): ExportedSession => {
    const messages = frame.kept.list();
    const { evictedMessages, evictedEvents } = frame.kept;
    const entry: ExportedSession = {
      session: session.agentSession,
      frame: frame.frame,
      url: frame.url ?? '',
      startedAt: startOf(messages) ?? session.startTime,
      messages,
      frameId: frame.frameId,
    };
    if (evictedMessages === 0) return entry;
    notes.push(
      `Frame ${frame.frame}: the panel kept only its latest messages; ${evictedMessages} earlier messages ` +
        `(${evictedEvents} events) are missing, so counts decoded from this recording start mid-session.`,
    );
    return { ...entry, evictedMessages, evictedEvents };
  });
}

function recording(sessions: ExportedSession[], notes: string[], now: number): ExportedRecording {
  const written = buildRecording('trackables/panel', sessions, now);
  return notes.length > 0 ? { ...written, notes } : written;
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

/** The agent's start as its messages tell it: the hello's time, else the first batch's t0. */
function startOf(messages: AgentMessage[]): number | undefined {
  const first = messages.find((message) => message.kind === 'hello') ?? messages[0];
  return first === undefined ? undefined : first.kind === 'batch' ? first.t0 : first.time;
}
