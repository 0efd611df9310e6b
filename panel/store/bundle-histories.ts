import { textAt, type BundleRef } from '../../agent/protocol/decode.js';
import { grown } from './typed-arrays.js';

/** "No owner": a free slot. */
const NONE = -1;
const INITIAL_SLOTS = 16;
const OP_NAMES = ['attached', 'updated'] as const;

/** One entry of an instance's bundle history. */
export interface BundleEntry {
  /** Epoch ms of the event. */
  readonly time: number;
  readonly op: 'attached' | 'updated';
  /** JSON text of the bundle; undefined when the instance had none. */
  readonly bundle: string | undefined;
}

/**
 * Bundle histories for the instances whose bundle changed, in a bounded pool: at most `slots`
 * histories of the latest `depth` entries each. Most instances are never updated and cost
 * nothing here. Flat arrays grown up to the bound, so an update allocates nothing; entries
 * become objects only when read.
 *
 * A slot has an owner (a lifeline's row id). When every slot is taken, `open` takes them in
 * turn, so roughly the one opened longest ago: its owner then finds, by `owner`, that its history
 * is no longer kept.
 */
export class BundleHistories {
  readonly #maxSlots: number;
  readonly #depth: number;
  #time = new Float64Array(0);
  #op = new Uint8Array(0);
  #bundle: (BundleRef | undefined)[] = [];
  #owner = new Float64Array(0);
  /** Per slot: where its next entry goes (its entries are a ring) and how many it has. */
  #next = new Int32Array(0);
  #count = new Int32Array(0);
  #slots = 0;
  /** Slots given out at least once; beyond it, `#turn` takes them round. */
  #opened = 0;
  #turn = 0;
  readonly #free: number[] = [];

  constructor(maxSlots: number, depth: number) {
    this.#maxSlots = maxSlots;
    this.#depth = depth;
  }

  /** The row id that owns `slot`, or -1. */
  owner(slot: number): number {
    return this.#owner[slot]!;
  }

  /** A slot for `owner`, empty: a free one, a new one while under the bound, else the oldest opened. */
  open(owner: number): number {
    let slot = this.#free.pop();
    if (slot === undefined) {
      if (this.#opened < this.#maxSlots) {
        if (this.#opened === this.#slots) this.#grow();
        slot = this.#opened++;
      } else {
        slot = this.#turn;
        this.#turn = slot + 1 === this.#maxSlots ? 0 : slot + 1;
        this.#clear(slot);
      }
    }
    this.#owner[slot] = owner;
    this.#next[slot] = 0;
    this.#count[slot] = 0;
    return slot;
  }

  /** Adds an entry to `slot`'s history, forgetting its oldest beyond the depth. */
  push(slot: number, time: number, op: BundleEntry['op'], bundle: BundleRef | undefined): void {
    const at = this.#next[slot]!;
    this.#next[slot] = at + 1 === this.#depth ? 0 : at + 1;
    if (this.#count[slot]! < this.#depth) this.#count[slot]!++;
    const index = slot * this.#depth + at;
    this.#time[index] = time;
    this.#op[index] = op === 'attached' ? 0 : 1;
    this.#bundle[index] = bundle;
  }

  /** `slot`'s entries, oldest first. */
  entries(slot: number): BundleEntry[] {
    const depth = this.#depth;
    const count = this.#count[slot]!;
    // Until the ring is full its oldest entry is at 0; after, the next to be overwritten.
    const oldest = count < depth ? 0 : this.#next[slot]!;
    const entries: BundleEntry[] = [];
    for (let i = 0; i < count; i++) {
      const index = slot * depth + ((oldest + i) % depth);
      entries.push({ time: this.#time[index]!, op: OP_NAMES[this.#op[index]!]!, bundle: textAt(this.#bundle, index) });
    }
    return entries;
  }

  /** Frees `slot` (its owner is gone) and the bundle texts it held. */
  release(slot: number): void {
    this.#clear(slot);
    this.#owner[slot] = NONE;
    this.#free.push(slot);
  }

  #clear(slot: number): void {
    const bundles = this.#bundle;
    for (let i = slot * this.#depth, end = i + this.#depth; i < end; i++) bundles[i] = undefined;
    this.#count[slot] = 0;
  }

  #grow(): void {
    const slots = Math.min(Math.max(INITIAL_SLOTS, this.#slots * 2), this.#maxSlots);
    const entries = slots * this.#depth;
    this.#time = grown(this.#time, entries);
    this.#op = grown(this.#op, entries);
    this.#owner = grown(this.#owner, slots).fill(NONE, this.#slots);
    this.#next = grown(this.#next, slots);
    this.#count = grown(this.#count, slots);
    while (this.#bundle.length < entries) this.#bundle.push(undefined);
    this.#slots = slots;
  }
}
