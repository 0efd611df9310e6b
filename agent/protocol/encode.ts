import { AGENT_SOURCE, NO_BUNDLE, OP_STRIDE, PROTOCOL_VERSION, type AgentBatch, type Op } from './messages.js';

/**
 * Builds the `strings` and `ops` of an AgentBatch, one event at a time, without allocating per
 * event. The clock is read when a batch starts and then once every `readClockEvery` events:
 * events in between share the last reading (the clock read is the largest per-event cost;
 * events of one task are microseconds apart anyway).
 */
export class BatchEncoder {
  readonly #clock: () => number;
  readonly #readClockEvery: number;
  #ops: number[] = [];
  #strings: string[] = [];
  #index = new Map<string, number>();
  #t0 = 0;
  #offset = 0;
  #sinceRead = 0;

  /** `clock` returns epoch milliseconds with sub-millisecond precision. */
  constructor(clock: () => number, readClockEvery = 64) {
    this.#clock = clock;
    this.#readClockEvery = readClockEvery;
  }

  /** Events in the open batch. */
  get size(): number {
    return this.#ops.length / OP_STRIDE;
  }

  add(op: Op, serial: number, type: string, bundleJson: string | undefined): void {
    if (this.#ops.length === 0) {
      this.#t0 = this.#clock();
      this.#offset = 0;
      this.#sinceRead = 0;
    } else if (++this.#sinceRead >= this.#readClockEvery) {
      this.#offset = Math.max(0, Math.round((this.#clock() - this.#t0) * 1000));
      this.#sinceRead = 0;
    }
    this.#ops.push(this.#intern(type) * 4 + op, serial, this.#offset, bundleJson === undefined ? NO_BUNDLE : this.#intern(bundleJson));
  }

  /** Closes the open batch and returns it (or null when empty); the next `add` starts a new one. */
  take(session: string, frame: string, seq: number, dropped: number): AgentBatch | null {
    if (this.#ops.length === 0) return null;
    const batch: AgentBatch = {
      source: AGENT_SOURCE,
      v: PROTOCOL_VERSION,
      kind: 'batch',
      session,
      frame,
      seq,
      t0: this.#t0,
      dropped,
      strings: this.#strings,
      ops: this.#ops,
    };
    this.#ops = [];
    this.#strings = [];
    this.#index = new Map();
    return batch;
  }

  #intern(text: string): number {
    let index = this.#index.get(text);
    if (index === undefined) {
      index = this.#strings.push(text) - 1;
      this.#index.set(text, index);
    }
    return index;
  }
}
