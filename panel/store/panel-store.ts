import type { AgentMessage, Origin, PanelSubscribe, WorkerHistory, WorkerToPanel } from '../../agent/protocol/messages.js';
import { checkWorkerToPanelEnvelope } from '../../agent/protocol/validate.js';
import { ChangeEvents, type Schedule } from './change-events.js';
import { DropTally, type DropTotals } from './drop-tally.js';
import { exportSession, exportSessions, type ExportedRecording } from './export-recording.js';
import { retainerOf } from './held-by.js';
import { ImportedSessions, type Imported } from './imported-sessions.js';
import { ingest } from './ingest.js';
import { LIVE_SESSIONS_BUDGET_BYTES, LiveSessions } from './live-sessions.js';
import type { Session } from './session.js';

/** Least time between asks for totals made because batches went missing. */
const ASK_INTERVAL_MS = 1_000;
/** `tabId` of a store that shows no tab, only imported recordings (chrome.tabs.TAB_ID_NONE). */
export const NO_TAB = -1;

/** `offline`: a store with no tab (NO_TAB), which never connects. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface TabState {
  closed: boolean;
  /** Where the tab last navigated, when the worker said so. */
  url?: string;
}

/**
 * What a store announces, each at most once per animation frame:
 * - `sessions`: the list (a session started, was forgotten or imported, told its URL or a new
 *   stream; a new page load in the top frame);
 * - `connection`: the connection state and the tab's;
 * - `drops`: loss counters, the latest invalid message, event totals;
 * - `counts:<session id>` (countsOf): that session's per-type counts, chart series, collections
 *   and Δ baseline;
 * - `lifelines:<session id>` (lifelinesOf): that session's instances.
 */
export type StoreTopic = 'sessions' | 'connection' | 'drops' | `counts:${string}` | `lifelines:${string}`;

export const countsOf = (session: string): StoreTopic => `counts:${session}`;
export const lifelinesOf = (session: string): StoreTopic => `lifelines:${session}`;

/** An instance of a session, by stream and serial. */
export interface InstanceKey {
  readonly session: string;
  readonly stream: string;
  readonly serial: number;
}

/**
 * Everything the panel knows about one tab, fed with raw port messages, and the sessions imported
 * from recordings. Plain TypeScript, and no view state (what is selected, picked or shown lives
 * with the views, in ViewState): views subscribe to the topics they read (StoreTopic) and read
 * it in render.
 *
 * Never throws on input: messages are checked here, at the one entry point, and anything
 * invalid, or that breaks while being applied, is dropped and counted. The check trusts the
 * panel's own worker, which validated every message fully before storing it: it is the envelope
 * (every field, but of a batch's `ops` only its characters), and a batch's events are walked
 * once, as they are applied (Session.applyBatch stops at an event that breaks). Recordings come
 * from anywhere and are checked fully before any of them is applied (imported-sessions.ts).
 */
export class PanelStore {
  readonly tabId: number;
  readonly #events: ChangeEvents<StoreTopic>;
  readonly #live: LiveSessions;
  readonly #imported = new ImportedSessions();
  readonly #drops = new DropTally();
  #connection: ConnectionState;
  #tab: TabState = { closed: false };
  #lastInvalid: string | null = null;
  #onScreen: () => string | undefined = () => undefined;
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
    this.#live = new LiveSessions(budgetBytes);
    this.#events = new ChangeEvents(schedule);
    this.#connection = tabId === NO_TAB ? 'offline' : 'connecting';
  }

  subscribe(topic: StoreTopic, listener: () => void): () => void {
    return this.#events.subscribe(topic, listener);
  }

  /** Moves on whenever subscribers of `topic` are told of a change. */
  version(topic: StoreTopic): number {
    return this.#events.version(topic);
  }

  /**
   * Says which session is on screen: the memory bounds never forget it. The one piece of view
   * state the store asks for, when a page load starts a session.
   */
  keepOnScreen(onScreen: () => string | undefined): void {
    this.#onScreen = onScreen;
  }

  /** Takes one message from the worker's port. */
  receive(data: unknown): void {
    const checked = checkWorkerToPanelEnvelope(data);
    if (!checked.ok) return this.#invalid(checked.reason);
    try {
      this.#apply(checked.message);
    } catch (error) {
      this.#invalid(`could not apply: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Sessions, live and imported, newest first. */
  get sessions(): Session[] {
    return [...this.#live.values(), ...this.#imported.values()].sort((a, b) => b.startTime - a.startTime);
  }

  find(id: string): Session | undefined {
    return this.#live.get(id) ?? this.#imported.get(id);
  }

  /** The newest live session whose top frame reported: the one a view following page loads shows. */
  get newestPageLoad(): string | null {
    return this.#live.newestTop;
  }

  /** The first live session this store started, while kept: shown until a top frame reports. */
  get firstSession(): string | null {
    return this.#live.first;
  }

  /** Sets the Δ baseline of a session to its current counts. */
  mark(session: string, time = Date.now()): void {
    const found = this.find(session);
    if (found === undefined) return;
    found.setMark(time);
    this.#events.changed(countsOf(session));
  }

  /**
   * What held an instance when its recording ended (see held-by.ts): the path, null when the
   * recording has paths but not this one, undefined when its session has none (live sessions never do).
   */
  heldBy(instance: InstanceKey) {
    return retainerOf(this.find(instance.session), instance.stream, instance.serial);
  }

  /** What to send in PanelSubscribe so the worker replays only batches this store lacks. */
  have(): PanelSubscribe['have'] {
    return this.#live.have();
  }

  /** Losses of what is shown: the live connection's, or those the shown import's recording reveals. */
  dropsOf(shown: Session | undefined): DropTotals {
    return (shown?.imported?.drops ?? this.#drops).totals();
  }

  /** Why the latest invalid message was rejected. */
  get lastInvalid(): string | null {
    return this.#lastInvalid;
  }

  /** Events of the live sessions, or of the shown import's sessions. */
  eventsOf(shown: Session | undefined): number {
    const imported = shown?.imported ?? null;
    let total = 0;
    for (const session of imported === null ? this.#live.values() : this.#imported.values()) {
      if (session.imported === imported) total += session.events;
    }
    return total;
  }

  /**
   * Loads a recording file's text as read-only sessions, fed through the same code as live
   * messages. When the file is no readable recording, says why and leaves the store as it was.
   */
  importRecording(text: string, file: string): Imported {
    const imported = this.#imported.import(text, file, this.tabId);
    if (imported.ok) this.#events.changed('sessions');
    return imported;
  }

  /** A listed session as a recording of the messages kept for it, or null. */
  exportSession(id: string, now = Date.now()): ExportedRecording | null {
    const session = this.find(id);
    return session === undefined ? null : exportSession(session, now);
  }

  /** Every listed session, live and imported, as one recording; null when no session is listed. */
  exportAll(now = Date.now()): ExportedRecording | null {
    return exportSessions(this.sessions, now);
  }

  get connection(): ConnectionState {
    return this.#connection;
  }

  setConnection(state: ConnectionState): void {
    if (state === this.#connection) return;
    this.#connection = state;
    this.#events.changed('connection');
  }

  get tab(): TabState {
    return this.#tab;
  }

  #invalid(reason: string): void {
    this.#drops.invalid();
    this.#lastInvalid = reason;
    this.#events.changed('drops');
  }

  #apply(message: WorkerToPanel): void {
    switch (message.kind) {
      case 'relay':
        if (message.origin.tabId !== this.tabId) return this.#invalid(`relay for tab ${message.origin.tabId}`);
        if (message.message.kind === 'relay-dropped') {
          this.#drops.relayDropped(message.message);
          this.#events.changed('drops');
        } else {
          this.#fromPage(message.origin, message.message, true);
        }
        return;
      case 'history':
        return this.#history(message);
      case 'tab':
        if (message.tabId !== this.tabId) return this.#invalid(`tab event for tab ${message.tabId}`);
        this.#tab = message.event === 'closed' ? { closed: true } : message.url === undefined ? { closed: false } : { closed: false, url: message.url };
        this.#events.changed('connection');
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
    this.#events.changed('drops');
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
    if (this.#live.isForgotten(message.session)) return;
    const { session, started } = this.#live.open(message.session, message.kind === 'batch' ? message.t0 : message.time, this.#onScreen());
    if (started) this.#events.changed('sessions');
    const hadTop = session.hasTopFrame;
    const { described, events, gap } = ingest(session, origin, message, live, this.#drops);
    // Once a second at most: a flood loses many batches in a row.
    if (gap && live && Date.now() - this.#askedAt > ASK_INTERVAL_MS) this.#ask();
    const newPageLoad = !hadTop && session.hasTopFrame && this.#live.topFrameSeen(session);
    if (described || newPageLoad) this.#events.changed('sessions');
    if (events) {
      this.#events.changed(countsOf(session.id));
      this.#events.changed(lifelinesOf(session.id));
      this.#events.changed('drops');
    }
  }
}
