import type { PortLike } from '../port.js';

/*
 * Just enough of chrome.runtime ports and chrome.storage.session to drive the extension's logic
 * in Node. Port messages go through JSON like Chrome's do, so a non-serializable message fails
 * here as it would there.
 */

type Listener<A extends unknown[]> = (...args: A) => void;

class FakeEvent<A extends unknown[]> {
  private readonly listeners: Listener<A>[] = [];
  addListener(listener: Listener<A>): void {
    this.listeners.push(listener);
  }
  emit(...args: A): void {
    for (const listener of [...this.listeners]) listener(...args);
  }
}

/** One end of a runtime port; the test plays the other end (or a PortPair links two). */
export class FakePort implements PortLike {
  readonly posted: unknown[] = [];
  readonly onMessage = new FakeEvent<[unknown]>();
  readonly onDisconnect = new FakeEvent<[]>();
  closed = false;
  /** Where posted messages go besides `posted` (the other end of a PortPair). */
  onPost: ((message: unknown) => void) | null = null;

  constructor(
    readonly name: string,
    readonly sender?: PortLike['sender'],
  ) {}

  postMessage(message: unknown): void {
    if (this.closed) throw new Error('Attempting to use a disconnected port object');
    const copy = JSON.parse(JSON.stringify(message));
    this.posted.push(copy);
    this.onPost?.(copy);
  }

  /** Like Chrome: closing your own end does not fire your own onDisconnect. */
  disconnect(): void {
    this.closed = true;
  }

  /** The other end sends a message. */
  deliver(message: unknown): void {
    this.onMessage.emit(JSON.parse(JSON.stringify(message)));
  }

  /** The other end went away (worker stopped, panel closed, tab gone). */
  drop(): void {
    this.closed = true;
    this.onDisconnect.emit();
  }

  /** Posted messages so far, forgetting them. */
  take(): unknown[] {
    return this.posted.splice(0);
  }
}

/**
 * A content script's port to the worker, both ends: each end's posts reach the other's onMessage,
 * in order (at once, where Chrome would deliver them a little later).
 */
export class PortPair {
  readonly content: FakePort;
  readonly worker: FakePort;
  private severed = false;

  constructor(name: string, sender: PortLike['sender']) {
    this.content = new FakePort(name);
    this.worker = new FakePort(name, sender);
    this.content.onPost = (message) => {
      if (!this.severed) this.worker.deliver(message);
    };
    this.worker.onPost = (message) => {
      if (!this.severed) this.content.deliver(message);
    };
  }

  /** The worker is being stopped: messages posted from now on vanish, no one notices yet. */
  sever(): void {
    this.severed = true;
  }

  /** The worker stopped: the content script's end learns it. */
  stop(): void {
    this.severed = true;
    this.worker.closed = true;
    this.content.drop();
  }
}

/** chrome.storage.session: an in-memory key/value area that can be told to fail. */
export class FakeSessionArea {
  readonly items = new Map<string, unknown>();
  /** Each set() call's items, to check that writes stay small. */
  readonly writes: Record<string, unknown>[] = [];
  failWrites = false;
  private held: { started: () => void; released: Promise<void> } | null = null;

  async get(keys?: null | string | string[]): Promise<Record<string, unknown>> {
    const wanted = keys == null ? [...this.items.keys()] : typeof keys === 'string' ? [keys] : keys;
    const result: Record<string, unknown> = {};
    for (const key of wanted) if (this.items.has(key)) result[key] = structuredClone(this.items.get(key));
    return result;
  }

  /**
   * Makes writes wait until `release()`; `started` resolves once one is waiting, so a test can
   * look at the moment a write is under way.
   */
  holdWrites(): { started: Promise<void>; release(): void } {
    let started!: () => void;
    let release!: () => void;
    const waiting = new Promise<void>((resolve) => (started = resolve));
    this.held = { started, released: new Promise<void>((resolve) => (release = resolve)) };
    return {
      started: waiting,
      release: () => {
        this.held = null;
        release();
      },
    };
  }

  async set(items: Record<string, unknown>): Promise<void> {
    if (this.held) {
      this.held.started();
      await this.held.released;
    }
    if (this.failWrites) throw new Error('QUOTA_BYTES quota exceeded');
    this.writes.push(items);
    for (const [key, value] of Object.entries(items)) this.items.set(key, structuredClone(value));
  }

  async remove(keys: string | string[]): Promise<void> {
    for (const key of typeof keys === 'string' ? [keys] : keys) this.items.delete(key);
  }
}

/** A timer the test fires by hand: no sleeping in tests. */
export class ManualTimer {
  private readonly due: (() => void)[] = [];
  readonly set = (callback: () => void): void => {
    this.due.push(callback);
  };
  get pending(): number {
    return this.due.length;
  }
  fire(): void {
    for (const callback of this.due.splice(0)) callback();
  }
}
