import type { AgentBatch } from '../protocol/messages.js';

/**
 * Closed batches waiting for a relay (the DevTools extension may never come), oldest first. The
 * PostMessageTracker decides the bounds and drops whole oldest batches past them; this keeps the
 * queue and the totals those decisions need without walking it.
 */
export class BatchBuffer {
  #batches: AgentBatch[] = [];
  #head = 0;
  #events = 0;
  #chars = 0;

  /** Events held. */
  get events(): number {
    return this.#events;
  }

  /** Characters of the held batches' strings (type names, bundle texts). */
  get chars(): number {
    return this.#chars;
  }

  push(batch: AgentBatch): void {
    this.#batches.push(batch);
    this.#events += batch.events;
    this.#chars += batchChars(batch);
  }

  /** Forgets the oldest batch; returns its events (0 when empty). */
  dropOldest(): number {
    const oldest = this.#batches[this.#head];
    if (oldest === undefined) return 0;
    this.#batches[this.#head++] = undefined as unknown as AgentBatch;
    this.#events -= oldest.events;
    this.#chars -= batchChars(oldest);
    if (this.#head > 32 && this.#head * 2 > this.#batches.length) {
      this.#batches = this.#batches.slice(this.#head);
      this.#head = 0;
    }
    return oldest.events;
  }

  /** Removes and returns every batch held, oldest first. */
  drain(): AgentBatch[] {
    const batches = this.#batches.slice(this.#head);
    this.#batches = [];
    this.#head = 0;
    this.#events = 0;
    this.#chars = 0;
    return batches;
  }
}

/** Characters of a batch's strings and of the texts among its values. */
function batchChars(batch: AgentBatch): number {
  let chars = 0;
  for (const text of batch.strings) chars += text.length;
  for (const value of batch.values ?? []) {
    if (typeof value === 'string') chars += value.length;
  }
  return chars;
}
