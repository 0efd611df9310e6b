import type { AgentBatch, Origin, PageToWorker, PanelSubscribe, WorkerHistory, WorkerToPanel } from '../../agent/protocol/messages.js';
import { checkWorkerToPanel } from '../../agent/protocol/validate.js';
import { DropTally, type DropTotals } from './drop-tally.js';
import { FrameNotifier, type Schedule } from './frame-notifier.js';
import { Session, type FrameInfo } from './session.js';

/** Most sessions kept; beyond it the oldest one not on screen is forgotten. */
export const MAX_SESSIONS = 20;
/** Forgotten sessions whose seqs are still reported in `have`, so the worker does not resend them. */
const MAX_FORGOTTEN = 100;

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

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
  readonly #sessions = new Map<string, Session>();
  readonly #forgotten = new Map<string, PanelSubscribe['have']>();
  readonly #drops = new DropTally();
  #selected: string | null = null;
  #pinned = false;
  #newestTop: string | null = null;
  #connection: ConnectionState = 'connecting';
  #tab: TabState = { closed: false };
  #lastInvalid: string | null = null;

  constructor(tabId: number, schedule: Schedule) {
    this.tabId = tabId;
    this.#notifier = new FrameNotifier(schedule);
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

  /** Sessions, newest first. */
  get sessions(): Session[] {
    return [...this.#sessions.values()].sort((a, b) => b.startTime - a.startTime);
  }

  get selected(): Session | undefined {
    return this.#selected === null ? undefined : this.#sessions.get(this.#selected);
  }

  /** Shows a session. Picking anything but the newest page load pins it: new loads no longer take over. */
  select(id: string): void {
    if (!this.#sessions.has(id)) return;
    this.#selected = id;
    this.#pinned = id !== this.#newestTop;
    this.#notifier.changed();
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

  get drops(): DropTotals {
    return this.#drops.totals();
  }

  /** Why the latest invalid message was rejected. */
  get lastInvalid(): string | null {
    return this.#lastInvalid;
  }

  get totalEvents(): number {
    let total = 0;
    for (const session of this.#sessions.values()) total += session.events;
    return total;
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
  }

  #fromPage(origin: Origin, message: Exclude<PageToWorker, { kind: 'relay-dropped' }>, live: boolean): void {
    if (this.#forgotten.has(message.session)) return;
    const session = this.#session(message.session, message.kind === 'hello' ? message.time : message.t0);
    const hadTop = session.hasTopFrame;
    const frame = session.frame(message.frame, origin);
    if (message.kind === 'hello') session.hello(frame, message);
    else this.#batch(session, frame, message, live);
    if (!hadTop && session.hasTopFrame) this.#topFrameSeen(session);
  }

  #batch(session: Session, frame: FrameInfo, batch: AgentBatch, live: boolean): void {
    // Replays after a reconnect, and copies, carry seqs already applied.
    if (batch.seq <= frame.lastSeq) return;
    if (batch.seq > frame.lastSeq + 1) this.#drops.gap(batch.seq - frame.lastSeq - 1);
    this.#drops.batchApplied(batch.dropped, live);
    session.applyBatch(frame, batch);
  }

  #session(id: string, time: number): Session {
    let session = this.#sessions.get(id);
    if (session === undefined) {
      session = new Session(id, time);
      this.#sessions.set(id, session);
      this.#selected ??= id;
      if (this.#sessions.size > MAX_SESSIONS) this.#forgetOldest();
    }
    return session;
  }

  /** A new page load in the top frame: show it, unless the user pinned another session. */
  #topFrameSeen(session: Session): void {
    if (this.#newestTop !== null && (this.#sessions.get(this.#newestTop)?.startTime ?? -Infinity) > session.startTime) return;
    this.#newestTop = session.id;
    if (!this.#pinned) this.#selected = session.id;
  }

  #forgetOldest(): void {
    let oldest: Session | undefined;
    for (const session of this.#sessions.values()) {
      if (session.id !== this.#selected && (oldest === undefined || session.startTime < oldest.startTime)) oldest = session;
    }
    if (oldest === undefined) return;
    this.#sessions.delete(oldest.id);
    if (this.#newestTop === oldest.id) this.#newestTop = null;
    this.#forgotten.set(
      oldest.id,
      [...oldest.frames.values()].map((frame) => ({ session: oldest.id, frame: frame.frame, seq: frame.lastSeq })),
    );
    if (this.#forgotten.size > MAX_FORGOTTEN) this.#forgotten.delete(this.#forgotten.keys().next().value!);
  }
}
