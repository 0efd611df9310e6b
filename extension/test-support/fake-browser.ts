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

/** One end of a runtime port; the test plays the other end. */
export class FakePort implements PortLike {
  readonly posted: unknown[] = [];
  readonly onMessage = new FakeEvent<[unknown]>();
  readonly onDisconnect = new FakeEvent<[]>();
  closed = false;

  constructor(
    readonly name: string,
    readonly sender?: PortLike['sender'],
  ) {}

  postMessage(message: unknown): void {
    if (this.closed) throw new Error('Attempting to use a disconnected port object');
    this.posted.push(JSON.parse(JSON.stringify(message)));
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

/** chrome.storage.session: an in-memory key/value area that can be told to fail. */
export class FakeSessionArea {
  readonly items = new Map<string, unknown>();
  /** Each set() call's items, to check that writes stay small. */
  readonly writes: Record<string, unknown>[] = [];
  failWrites = false;

  async get(keys?: null | string | string[]): Promise<Record<string, unknown>> {
    const wanted = keys == null ? [...this.items.keys()] : typeof keys === 'string' ? [keys] : keys;
    const result: Record<string, unknown> = {};
    for (const key of wanted) if (this.items.has(key)) result[key] = structuredClone(this.items.get(key));
    return result;
  }

  async set(items: Record<string, unknown>): Promise<void> {
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
