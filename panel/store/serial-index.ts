import { grown } from './typed-arrays.js';

/** "Not found". */
const NONE = -1;
const INITIAL_CAPACITY = 256;

/**
 * One stream's serial → row id index, for rows added with increasing ids and removed oldest
 * first. The agent numbers its instances in increasing order, so a new row's serial is almost
 * always above every serial before: those are appended to two typed arrays and found by binary
 * search, and removing the oldest moves a head. No Map operation and no allocation per event,
 * which a `Map<number, number>` costs on every attach, lookup and eviction.
 *
 * A serial at or below the highest added (an instance attached again after it was reported
 * destroyed, or odd input) goes to a small Map instead, which lookups try first: it always
 * holds the newer row of a serial that is in both.
 */
export class SerialIndex {
  /** The arrays' largest length: room for `maxRows` and a quarter more, so compacting is rare. */
  readonly #maxCapacity: number;
  #serials = new Float64Array(INITIAL_CAPACITY);
  #ids = new Float64Array(INITIAL_CAPACITY);
  #head = 0;
  #end = 0;
  /** The highest serial ever appended, kept after it is removed, so the arrays only ever rise. */
  #last = -Infinity;
  /** Made on the first serial out of order: most streams never have one. */
  #late: Map<number, number> | undefined;

  /** `maxRows`: most rows indexed at once. */
  constructor(maxRows: number) {
    this.#maxCapacity = Math.max(INITIAL_CAPACITY, Math.ceil(maxRows * 1.25));
  }

  /** Rows indexed. */
  get size(): number {
    return this.#end - this.#head + (this.#late?.size ?? 0);
  }

  /** Whether `serial` is above every serial added: then no row has it, and `find` need not look. */
  isNew(serial: number): boolean {
    return serial > this.#last;
  }

  /** Indexes row `id` under `serial`; ids must come in increasing order. */
  add(serial: number, id: number): void {
    if (serial <= this.#last) {
      (this.#late ??= new Map()).set(serial, id);
      return;
    }
    if (this.#end === this.#serials.length) this.#makeRoom();
    this.#serials[this.#end] = serial;
    this.#ids[this.#end++] = id;
    this.#last = serial;
  }

  /** The newest row indexed under `serial`, or -1. */
  find(serial: number): number {
    if (this.#late !== undefined) {
      const late = this.#late.get(serial);
      if (late !== undefined) return late;
    }
    const serials = this.#serials;
    let low = this.#head;
    let high = this.#end - 1;
    // Serials within a stream are usually consecutive: first try where it sits if there is no gap.
    const guess = high - (this.#last - serial);
    if (guess >= low && serials[guess] === serial) return this.#ids[guess]!;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const at = serials[mid]!;
      if (at < serial) low = mid + 1;
      else if (at > serial) high = mid - 1;
      else return this.#ids[mid]!;
    }
    return NONE;
  }

  /** Row `id`, indexed under `serial`, is gone; it must be the oldest row indexed. */
  remove(serial: number, id: number): void {
    if (this.#head < this.#end && this.#ids[this.#head] === id) this.#head++;
    else if (this.#late?.get(serial) === id) this.#late.delete(serial);
  }

  /** Doubles the arrays up to their largest length, then moves the kept entries to the front. */
  #makeRoom(): void {
    const kept = this.#end - this.#head;
    if (this.#head * 2 >= this.#serials.length || this.#serials.length === this.#maxCapacity) {
      this.#serials.copyWithin(0, this.#head, this.#end);
      this.#ids.copyWithin(0, this.#head, this.#end);
    } else {
      const capacity = Math.min(this.#serials.length * 2, this.#maxCapacity);
      this.#serials = grown(this.#serials.subarray(this.#head, this.#end), capacity);
      this.#ids = grown(this.#ids.subarray(this.#head, this.#end), capacity);
    }
    this.#head = 0;
    this.#end = kept;
  }
}
