import { NO_BUNDLE, OP_STRIDE, type AgentBatch } from '../protocol/messages.js';

interface Chunk {
  readonly batch: AgentBatch;
  events: number;
  /** Characters in `batch.strings`: what the chunk's texts weigh. */
  chars: number;
  /** `batch.strings` by text, built on the first merge into this chunk. */
  index: Map<string, number> | null;
}

export interface BatchBufferLimits {
  /** Events kept at most. */
  maxEvents: number;
  /** Characters of type names and bundle texts kept at most. */
  maxChars: number;
  /** Batches are merged into the newest chunk while it holds fewer events than this. */
  mergeUpTo: number;
}

/**
 * Batches waiting for a relay (the DevTools extension may never come), in order, bounded by
 * events and by characters: past a bound the oldest events are dropped and counted.
 *
 * A page makes one batch per task, so small batches are merged (time offsets re-based, strings
 * shared) to keep the overhead per buffered event small. Whole chunks of the oldest events are
 * dropped at a time (at most a quarter of the bound, see `mergeUpTo`), so the steady state of a
 * full buffer costs no copying; only a single chunk above the bound is trimmed in place.
 */
export class BatchBuffer {
  readonly #limits: BatchBufferLimits;
  #chunks: Chunk[] = [];
  #head = 0;
  #events = 0;
  #chars = 0;

  constructor(limits: BatchBufferLimits) {
    this.#limits = limits;
  }

  /** Events held. */
  get events(): number {
    return this.#events;
  }

  /** Keeps `batch` (its events after those already held); returns how many events were dropped. */
  push(batch: AgentBatch): number {
    const events = batch.ops.length / OP_STRIDE;
    if (events === 0) return 0;
    const last = this.#chunks.length > this.#head ? this.#chunks[this.#chunks.length - 1]! : undefined;
    if (last !== undefined && last.events + events <= this.#limits.mergeUpTo) {
      const before = last.chars;
      merge(last, batch);
      this.#chars += last.chars - before;
    } else {
      const chars = textLength(batch.strings);
      this.#chunks.push({ batch, events, chars, index: null });
      this.#chars += chars;
    }
    this.#events += events;
    return this.#enforceBounds();
  }

  /** Removes and returns every batch held, oldest first. */
  drain(): AgentBatch[] {
    const batches = this.#chunks.slice(this.#head).map((chunk) => chunk.batch);
    this.#chunks = [];
    this.#head = 0;
    this.#events = 0;
    this.#chars = 0;
    return batches;
  }

  #enforceBounds(): number {
    const { maxEvents, maxChars } = this.#limits;
    let dropped = 0;
    while (this.#events > maxEvents || this.#chars > maxChars) {
      const oldest = this.#chunks[this.#head]!;
      const only = this.#head === this.#chunks.length - 1;
      if (only && this.#chars <= maxChars) {
        const excess = this.#events - maxEvents;
        oldest.batch.ops.splice(0, excess * OP_STRIDE);
        oldest.events -= excess;
        this.#events -= excess;
        dropped += excess;
        break;
      }
      this.#head++;
      this.#events -= oldest.events;
      this.#chars -= oldest.chars;
      dropped += oldest.events;
    }
    if (this.#head > 32 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
    return dropped;
  }
}

function textLength(strings: readonly string[]): number {
  let chars = 0;
  for (const text of strings) chars += text.length;
  return chars;
}

/** Appends `from`'s events to `into`'s batch, re-basing time offsets and sharing strings. */
function merge(into: Chunk, from: AgentBatch): void {
  const target = into.batch;
  let index = into.index;
  if (index === null) {
    index = new Map(target.strings.map((text, i) => [text, i]));
    into.index = index;
  }
  const mapped = new Array<number>(from.strings.length);
  for (let i = 0; i < from.strings.length; i++) {
    const text = from.strings[i]!;
    let at = index.get(text);
    if (at === undefined) {
      at = target.strings.push(text) - 1;
      index.set(text, at);
      into.chars += text.length;
    }
    mapped[i] = at;
  }
  // The clock is monotonic, so a later batch never starts before an earlier one.
  const shift = Math.max(0, Math.round((from.t0 - target.t0) * 1000));
  const ops = from.ops;
  for (let i = 0; i < ops.length; i += OP_STRIDE) {
    const typeOp = ops[i]!;
    const bundle = ops[i + 3]!;
    target.ops.push(mapped[typeOp >> 2]! * 4 + (typeOp & 3), ops[i + 1]!, ops[i + 2]! + shift, bundle === NO_BUNDLE ? NO_BUNDLE : mapped[bundle]!);
  }
  into.events += ops.length / OP_STRIDE;
}
