import { textAt, type BundleRef } from '../../agent/protocol/decode.js';
import { BundleHistories, type BundleEntry } from './bundle-histories.js';
import { SerialIndex } from './serial-index.js';
import { grown } from './typed-arrays.js';

/** An instance as the bundle inspector reads it: made from its lifeline when asked for. */
export interface InstanceRecord {
  readonly type: string;
  /** Epoch ms of the attach. */
  readonly created: number;
  readonly destroyed?: number;
  /** JSON text of the latest bundle (see bundle-preview.ts). */
  readonly bundle?: string;
  /**
   * Its bundle over time once it changed (read it with bundleHistory): kept for the latest
   * instances updated (see MAX_BUNDLE_HISTORIES), so the many never updated cost nothing more.
   */
  readonly history?: readonly BundleEntry[];
  /** Epoch ms of the detach, while detached (attaching again clears it). */
  readonly detached?: number;
  /** Epoch ms of the first release: its owner let go of it (see `release`). */
  readonly released?: number;
}

/** Most lifelines kept per session; the oldest (earliest attached) is dropped first. */
export const MAX_LIFELINES = 250_000;
/** Most bundle-update ticks kept per session; the oldest is dropped first. */
export const MAX_UPDATE_TICKS = 2_000_000;
/** Most instances with a bundle history per session (those whose bundle changed); see BundleHistories. */
export const MAX_BUNDLE_HISTORIES = 10_000;
/**
 * Bundle history entries kept per instance (the attach, then updates); older ones are forgotten
 * first. With MAX_BUNDLE_HISTORIES this bounds a session to 200,000 entries, each holding a
 * string the batch already held.
 */
export const MAX_BUNDLE_HISTORY = 20;

/**
 * Retained bytes per kept lifeline and per update tick, as measured by panel/bench/ingest.bench.ts
 * (attach-only rows: the columns, the serial index and the type's row list; 104 bytes before
 * the release columns added 12) and as the tick
 * columns cost (three Float64Array slots). For budgets, not accounting.
 */
export const ROW_BYTES = 116;
export const TICK_BYTES = 24;

/** No tick (in the per-row tick chains), no bundle history, not found. */
const NONE = -1;
const INITIAL_CAPACITY = 1024;

/**
 * Every instance of a session, the one store the views read: when it was attached, detached and
 * destroyed, its latest bundle, when its bundle was updated and, for the instances updated, the
 * bundle's history. Columnar, in typed arrays, so 100,000s of instances and millions of updates
 * cost a few bytes each and no object per event.
 *
 * Rows and ticks have absolute ids (never reused). Their arrays are rings, grown up to one more
 * than the bound: a new row takes the slot of the one evicted before it, so nothing is ever
 * moved to make room once the bound is reached. Each row's updates form a chain (first, next…
 * in tick ids), so a row's ticks are found without scanning other rows', and evicting the oldest
 * tick only ever unlinks the head of its row's chain.
 */
export class Lifelines {
  readonly #maxRows: number;
  readonly #maxTicks: number;

  /** Type names, in order of first appearance; a row's type indexes this. */
  readonly typeNames: string[] = [];
  readonly #typeIndex = new Map<string, number>();
  readonly streamNames: string[] = [];
  readonly #streamIndex = new Map<string, number>();
  /** Per stream index: serial → row id. */
  readonly #bySerial: SerialIndex[] = [];
  readonly #groups: TypeRows[] = [];
  readonly #histories: BundleHistories;
  readonly #detaches: ArrivalOrder;
  readonly #releases: ArrivalOrder;

  #capacity: number;
  /** The id in slot 0 of the ring's current lap: row `id` is in slot `id - #rowBase`, less `#capacity` past the end. */
  #rowBase = 0;
  #firstRow = 0;
  #endRow = 0;
  #serial: Float64Array;
  #type: Int32Array;
  #stream: Int32Array;
  #created: Float64Array;
  #detached: Float64Array;
  #destroyed: Float64Array;
  #released: Float64Array;
  #firstTick: Float64Array;
  #lastTick: Float64Array;
  /** The number of the row's entry in #detaches: only that one is current. */
  #detachEntry: Uint32Array;
  /** The number of the row's entry in #releases. */
  #releaseEntry: Uint32Array;
  /** The row's slot in #histories (it may have been taken since: see BundleHistories.owner), or NONE. */
  #history: Int32Array;
  /** Latest bundles, as received: a text, or a ValuesBundle until its text is first read (textAt). */
  #bundle: (BundleRef | undefined)[];

  #tickCapacity: number;
  /** As #rowBase, for ticks. */
  #tickBase = 0;
  #firstTickId = 0;
  #endTick = 0;
  #tickTime: Float64Array;
  #tickRow: Float64Array;
  #tickNext: Float64Array;

  /** Lifelines dropped to stay within the bound, oldest first. */
  evictedRows = 0;
  /** Update ticks dropped to stay within the bound, oldest first. */
  evictedTicks = 0;
  /** Latest event time seen (epoch ms); -Infinity before the first. */
  lastTime = -Infinity;

  constructor(maxRows = MAX_LIFELINES, maxTicks = MAX_UPDATE_TICKS, maxHistories = MAX_BUNDLE_HISTORIES) {
    this.#maxRows = maxRows;
    this.#maxTicks = maxTicks;
    const rows = (this.#capacity = Math.min(INITIAL_CAPACITY, maxRows + 1));
    this.#serial = new Float64Array(rows);
    this.#type = new Int32Array(rows);
    this.#stream = new Int32Array(rows);
    this.#created = new Float64Array(rows);
    this.#detached = new Float64Array(rows);
    this.#destroyed = new Float64Array(rows);
    this.#released = new Float64Array(rows);
    this.#firstTick = new Float64Array(rows);
    this.#lastTick = new Float64Array(rows);
    this.#detachEntry = new Uint32Array(rows);
    this.#releaseEntry = new Uint32Array(rows);
    this.#history = new Int32Array(rows);
    this.#bundle = Array.from({ length: rows }, () => undefined);
    const ticks = (this.#tickCapacity = Math.min(INITIAL_CAPACITY, maxTicks + 1));
    this.#tickTime = new Float64Array(ticks);
    this.#tickRow = new Float64Array(ticks);
    this.#tickNext = new Float64Array(ticks);
    this.#histories = new BundleHistories(maxHistories, MAX_BUNDLE_HISTORY);
    this.#detaches = new ArrivalOrder(roomFor(maxRows));
    this.#releases = new ArrivalOrder(roomFor(maxRows));
  }

  /** Lifelines kept. */
  get size(): number {
    return this.#endRow - this.#firstRow;
  }

  /** Update ticks kept (those of evicted rows included until they age out). */
  get tickCount(): number {
    return this.#endTick - this.#firstTickId;
  }

  /** About how much memory the kept lifelines and ticks hold (bundle texts aside: batches share them, and a bundle sent as values stays the batch's values plus a small object until read). */
  get approximateBytes(): number {
    return this.size * ROW_BYTES + this.tickCount * TICK_BYTES;
  }

  /** The index of a type name, added on first sight. */
  typeIndex(name: string): number {
    let index = this.#typeIndex.get(name);
    if (index === undefined) {
      index = this.typeNames.push(name) - 1;
      this.#typeIndex.set(name, index);
      this.#groups.push(new TypeRows(this.#maxRows));
    }
    return index;
  }

  /** The index of a type name, if seen. */
  findType(name: string): number | undefined {
    return this.#typeIndex.get(name);
  }

  /** The index of a stream id, added on first sight. */
  streamIndex(name: string): number {
    let index = this.#streamIndex.get(name);
    if (index === undefined) {
      index = this.streamNames.push(name) - 1;
      this.#streamIndex.set(name, index);
      this.#bySerial.push(new SerialIndex(this.#maxRows));
    }
    return index;
  }

  attached(stream: number, serial: number, type: number, time: number, bundle: BundleRef | undefined): void {
    this.#saw(time);
    const index = this.#bySerial[stream]!;
    // A new instance's serial is above all before it: only the rare others are looked up.
    const known = index.isNew(serial) ? NONE : index.find(serial);
    if (known !== NONE && Number.isNaN(this.#destroyed[this.#at(known)]!)) {
      // Attached again (a new tracker): the same instance, so the same lifeline, live again.
      this.#detached[this.#at(known)] = Number.NaN;
      this.#changed(known, time, 'attached', bundle);
      return;
    }
    if (this.#endRow - this.#firstRow === this.#capacity) this.#grow();
    const id = this.#endRow++;
    const slot = this.#at(id);
    this.#serial[slot] = serial;
    this.#type[slot] = type;
    this.#stream[slot] = stream;
    this.#created[slot] = time;
    this.#detached[slot] = Number.NaN;
    this.#destroyed[slot] = Number.NaN;
    this.#released[slot] = Number.NaN;
    this.#firstTick[slot] = NONE;
    this.#lastTick[slot] = NONE;
    this.#history[slot] = NONE;
    this.#bundle[slot] = bundle;
    index.add(serial, id);
    this.#groups[type]!.push(id, serial, stream);
    if (this.#endRow - this.#firstRow > this.#maxRows) this.#evictRow();
  }

  detached(stream: number, serial: number, time: number): void {
    this.#saw(time);
    const id = this.#bySerial[stream]!.find(serial);
    if (id === NONE || !Number.isNaN(this.#detached[this.#at(id)]!)) return;
    this.#detached[this.#at(id)] = time;
    this.#detachEntry[this.#at(id)] = this.#detaches.push(id);
    if (this.#detaches.full) this.#detaches.compact((id, entry) => this.#isDetachEntry(id, entry));
  }

  updated(stream: number, serial: number, time: number, bundle: BundleRef | undefined): void {
    this.#saw(time);
    const id = this.#bySerial[stream]!.find(serial);
    if (id !== NONE) this.#changed(id, time, 'updated', bundle);
  }

  /** The owner let go of the instance: the first release is kept; its bundle stays. */
  released(stream: number, serial: number, time: number): void {
    this.#saw(time);
    const id = this.#bySerial[stream]!.find(serial);
    if (id === NONE || !Number.isNaN(this.#released[this.#at(id)]!)) return;
    this.#released[this.#at(id)] = time;
    this.#releaseEntry[this.#at(id)] = this.#releases.push(id);
    if (this.#releases.full) this.#releases.compact((id, entry) => this.#isLiveRelease(id, entry));
  }

  destroyed(stream: number, serial: number, time: number): void {
    this.#saw(time);
    const id = this.#bySerial[stream]!.find(serial);
    if (id !== NONE) this.#destroyed[this.#at(id)] = time;
  }

  /** Kept rows of a type, ordered by serial (then stream). A view of internal storage: read it before the next event. */
  rows(type: number): Float64Array {
    const group = this.#groups[type];
    return group === undefined ? new Float64Array(0) : group.view(this.#firstRow, (id) => this.serial(id), (id) => this.#stream[this.#at(id)]!);
  }

  /** The row id of an instance, if kept. */
  find(stream: string, serial: number): number | undefined {
    const index = this.#streamIndex.get(stream);
    const id = index === undefined ? NONE : this.#bySerial[index]!.find(serial);
    return id === NONE ? undefined : id;
  }

  serial(id: number): number {
    return this.#serial[this.#at(id)]!;
  }

  type(id: number): string {
    return this.typeNames[this.#type[this.#at(id)]!]!;
  }

  stream(id: number): string {
    return this.streamNames[this.#stream[this.#at(id)]!]!;
  }

  /** Epoch ms of the attach. */
  created(id: number): number {
    return this.#created[this.#at(id)]!;
  }

  /** Epoch ms of the detach; NaN while attached. */
  detachedAt(id: number): number {
    return this.#detached[this.#at(id)]!;
  }

  /** Epoch ms of the first release; NaN if never released. */
  releasedAt(id: number): number {
    return this.#released[this.#at(id)]!;
  }

  /** Epoch ms of the destroyed event; NaN while not known to be collected. */
  destroyedAt(id: number): number {
    return this.#destroyed[this.#at(id)]!;
  }

  /** JSON text of the latest bundle. */
  bundle(id: number): string | undefined {
    return textAt(this.#bundle, this.#at(id));
  }

  /**
   * Whether row `id` is kept. Ids read from `rows` before later events may have been evicted
   * since: a view drawing from an older read skips those.
   */
  has(id: number): boolean {
    return id >= this.#firstRow && id < this.#endRow;
  }

  /** Calls `visit` with the time of each kept update tick of a row, oldest first. */
  forEachTick(id: number, visit: (time: number) => void): void {
    if (!this.has(id)) return;
    for (let tick = this.#firstTick[this.#at(id)]!; tick !== NONE; tick = this.#tickNext[this.#tickAt(tick)]!) {
      visit(this.#tickTime[this.#tickAt(tick)]!);
    }
  }

  /** Calls `visit` with each kept row now detached, in the order the detaches arrived (oldest first). */
  forEachDetached(visit: (id: number) => void): void {
    this.#detaches.forEach((id, entry) => {
      if (this.#isDetachEntry(id, entry)) visit(id);
    });
  }

  /** Calls `visit` with each kept row released and not reported destroyed, oldest release first. */
  forEachReleasedAlive(visit: (id: number) => void): void {
    this.#releases.forEach((id, entry) => {
      if (this.#isLiveRelease(id, entry)) visit(id);
    });
  }

  /** The instance as the bundle inspector reads it, if kept. */
  record(stream: string, serial: number): InstanceRecord | undefined {
    const id = this.find(stream, serial);
    if (id === undefined) return undefined;
    const slot = this.#at(id);
    const bundle = textAt(this.#bundle, slot);
    const record: { -readonly [K in keyof InstanceRecord]: InstanceRecord[K] } = { type: this.type(id), created: this.#created[slot]! };
    if (bundle !== undefined) record.bundle = bundle;
    if (!Number.isNaN(this.#detached[slot]!)) record.detached = this.#detached[slot]!;
    if (!Number.isNaN(this.#released[slot]!)) record.released = this.#released[slot]!;
    if (!Number.isNaN(this.#destroyed[slot]!)) record.destroyed = this.#destroyed[slot]!;
    const history = this.#history[slot]!;
    if (history !== NONE && this.#histories.owner(history) === id) record.history = this.#histories.entries(history);
    else if (history !== NONE && this.#lastTick[slot] !== NONE) {
      // Its history was taken for a newer one: the latest change is still known.
      record.history = [{ time: this.#tickTime[this.#tickAt(this.#lastTick[slot]!)]!, op: 'updated', bundle }];
    }
    return record;
  }

  #saw(time: number): void {
    if (time > this.lastTime) this.lastTime = time;
  }

  /** The slot of row `id` in the row arrays. */
  #at(id: number): number {
    const slot = id - this.#rowBase;
    return slot < this.#capacity ? slot : slot - this.#capacity;
  }

  /** The slot of tick `tick` in the tick arrays. */
  #tickAt(tick: number): number {
    const slot = tick - this.#tickBase;
    return slot < this.#tickCapacity ? slot : slot - this.#tickCapacity;
  }

  /** Whether row `id` is kept and detached by the detach numbered `entry` (not attached again since). */
  #isDetachEntry(id: number, entry: number): boolean {
    return this.has(id) && this.#detachEntry[this.#at(id)] === entry && !Number.isNaN(this.#detached[this.#at(id)]!);
  }

  /** Whether row `id` is kept, released by the release numbered `entry`, and not reported destroyed. */
  #isLiveRelease(id: number, entry: number): boolean {
    return this.has(id) && this.#releaseEntry[this.#at(id)] === entry && Number.isNaN(this.#destroyed[this.#at(id)]!);
  }

  /**
   * Row `id`'s bundle changed (attached again, or updated): a tick for the timeline, and an entry
   * in its bundle history, which the first change opens with the attach.
   */
  #changed(id: number, time: number, op: BundleEntry['op'], bundle: BundleRef | undefined): void {
    const slot = this.#at(id);
    const histories = this.#histories;
    let history = this.#history[slot]!;
    if (history === NONE || histories.owner(history) !== id) {
      const lost = history !== NONE;
      history = histories.open(id);
      this.#history[slot] = history;
      // A history taken for a newer one is not begun again: its start is unknown.
      if (!lost) histories.push(history, this.#created[slot]!, 'attached', this.#bundle[slot]);
    }
    histories.push(history, time, op, bundle);
    this.#bundle[slot] = bundle;
    this.#tick(id, slot, time);
  }

  /** Adds a tick to row `id`, in `slot`. */
  #tick(id: number, slot: number, time: number): void {
    if (this.#endTick - this.#firstTickId === this.#tickCapacity) this.#growTicks();
    const tick = this.#endTick++;
    const tickSlot = this.#tickAt(tick);
    this.#tickTime[tickSlot] = time;
    this.#tickRow[tickSlot] = id;
    this.#tickNext[tickSlot] = NONE;
    const last = this.#lastTick[slot]!;
    if (last === NONE) this.#firstTick[slot] = tick;
    else this.#tickNext[this.#tickAt(last)] = tick;
    this.#lastTick[slot] = tick;
    if (this.#endTick - this.#firstTickId > this.#maxTicks) this.#evictTick();
  }

  #evictRow(): void {
    const id = this.#firstRow;
    const slot = this.#at(id);
    this.#bySerial[this.#stream[slot]!]!.remove(this.#serial[slot]!, id);
    if (++this.#firstRow - this.#rowBase === this.#capacity) this.#rowBase = this.#firstRow;
    this.#groups[this.#type[slot]!]!.evicted(id, this.#firstRow);
    this.#bundle[slot] = undefined;
    const history = this.#history[slot]!;
    if (history !== NONE && this.#histories.owner(history) === id) this.#histories.release(history);
    this.evictedRows++;
  }

  #evictTick(): void {
    const tick = this.#firstTickId;
    const tickSlot = this.#tickAt(tick);
    if (++this.#firstTickId - this.#tickBase === this.#tickCapacity) this.#tickBase = this.#firstTickId;
    const row = this.#tickRow[tickSlot]!;
    // The oldest tick of all is the oldest of its row: it is the head of that row's chain.
    if (row >= this.#firstRow) {
      const slot = this.#at(row);
      const next = this.#tickNext[tickSlot]!;
      this.#firstTick[slot] = next;
      if (next === NONE) this.#lastTick[slot] = NONE;
    }
    this.evictedTicks++;
  }

  /**
   * The ring is full below the bound: doubles it (up to one more than the bound). Nothing was
   * evicted yet (that starts at the bound), so slots are still ids.
   */
  #grow(): void {
    const capacity = Math.min(this.#capacity * 2, this.#maxRows + 1);
    this.#serial = grown(this.#serial, capacity);
    this.#type = grown(this.#type, capacity);
    this.#stream = grown(this.#stream, capacity);
    this.#created = grown(this.#created, capacity);
    this.#detached = grown(this.#detached, capacity);
    this.#destroyed = grown(this.#destroyed, capacity);
    this.#released = grown(this.#released, capacity);
    this.#firstTick = grown(this.#firstTick, capacity);
    this.#lastTick = grown(this.#lastTick, capacity);
    this.#detachEntry = grown(this.#detachEntry, capacity);
    this.#releaseEntry = grown(this.#releaseEntry, capacity);
    this.#history = grown(this.#history, capacity);
    for (let slot = this.#capacity; slot < capacity; slot++) this.#bundle.push(undefined);
    this.#capacity = capacity;
  }

  /** As #grow, for ticks. */
  #growTicks(): void {
    const capacity = Math.min(this.#tickCapacity * 2, this.#maxTicks + 1);
    this.#tickTime = grown(this.#tickTime, capacity);
    this.#tickRow = grown(this.#tickRow, capacity);
    this.#tickNext = grown(this.#tickNext, capacity);
    this.#tickCapacity = capacity;
  }
}

/**
 * Array length for a bound: a quarter more, so a full array compacts (copies) once per quarter
 * of the bound evicted, not on every eviction.
 */
function roomFor(bound: number): number {
  return Math.ceil(bound * 1.25) + 64;
}

/**
 * The row ids of one type, ordered by (serial, stream). Rows arrive in serial order within a
 * stream, so appending keeps the order unless streams interleave; then the list is sorted when
 * next read. Evicted rows usually sit at the front (they are the oldest); any that do not are
 * filtered out when next read.
 */
class TypeRows {
  readonly #maxCapacity: number;
  #ids = new Float64Array(64);
  #head = 0;
  #end = 0;
  #sorted = true;
  /** Evicted ids still in the list somewhere after the head. */
  #stale = 0;
  #lastSerial = -Infinity;
  #lastStream = -1;

  /** `maxRows`: most rows kept at once. */
  constructor(maxRows: number) {
    this.#maxCapacity = roomFor(maxRows);
  }

  push(id: number, serial: number, stream: number): void {
    if (serial < this.#lastSerial || (serial === this.#lastSerial && stream < this.#lastStream)) this.#sorted = false;
    this.#lastSerial = serial;
    this.#lastStream = stream;
    if (this.#end === this.#ids.length) {
      const kept = this.#end - this.#head;
      // Doubles up to room for the bound and a quarter, then compacts; past it only while stale ids fill it.
      const atMost = this.#ids.length >= this.#maxCapacity ? this.#ids.length * 2 : this.#maxCapacity;
      if (this.#head * 2 >= this.#ids.length || (this.#head > 0 && this.#ids.length >= this.#maxCapacity)) this.#ids.copyWithin(0, this.#head, this.#end);
      else this.#ids = grown(this.#ids.subarray(this.#head, this.#end), Math.min(this.#ids.length * 2, atMost));
      this.#head = 0;
      this.#end = kept;
    }
    this.#ids[this.#end++] = id;
  }

  /** Row `id` was evicted; `firstRow` is now the oldest kept. */
  evicted(id: number, firstRow: number): void {
    if (this.#head < this.#end && this.#ids[this.#head] === id) this.#head++;
    // Bounded even if never read: once stale ids are half the list, they go.
    else if (++this.#stale * 2 > this.#end - this.#head) this.#dropStale(firstRow);
  }

  view(firstRow: number, serialOf: (id: number) => number, streamOf: (id: number) => number): Float64Array {
    if (this.#stale > 0) this.#dropStale(firstRow);
    const ids = this.#ids.subarray(this.#head, this.#end);
    if (!this.#sorted) {
      ids.sort((a, b) => serialOf(a) - serialOf(b) || streamOf(a) - streamOf(b));
      this.#sorted = true;
      const last = ids.length > 0 ? ids[ids.length - 1]! : NONE;
      this.#lastSerial = last === NONE ? -Infinity : serialOf(last);
      this.#lastStream = last === NONE ? -1 : streamOf(last);
    }
    return ids;
  }

  #dropStale(firstRow: number): void {
    let write = this.#head;
    for (let read = this.#head; read < this.#end; read++) {
      const id = this.#ids[read]!;
      if (id >= firstRow) this.#ids[write++] = id;
    }
    this.#end = write;
    this.#stale = 0;
  }
}

/**
 * Row ids in the order something happened to them (detached; released): the leak view's "long
 * ago" lists, read in order without sorting. Each entry has a number (its place among all ever pushed); the owner
 * keeps each row's current one, skips the others when reading (attached again, or evicted), and
 * drops them with `compact` once the list outgrows what can be current.
 */
class ArrivalOrder {
  readonly #capacity: number;
  #ids = new Float64Array(64);
  #end = 0;
  /** Wrapping at 2^32 is safe: a stale entry is compacted away long before its number comes round. */
  #numbers = new Uint32Array(64);
  #pushed = 0;

  /** `capacity`: most entries, current or not; `compact` before pushing more. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get full(): boolean {
    return this.#end === this.#capacity;
  }

  /** Adds row `id`; returns the entry's number. */
  push(id: number): number {
    if (this.#end === this.#ids.length) {
      const capacity = Math.min(this.#end * 2, this.#capacity);
      this.#ids = grown(this.#ids, capacity);
      this.#numbers = grown(this.#numbers, capacity);
    }
    const entry = this.#pushed;
    this.#pushed = (entry + 1) >>> 0;
    this.#ids[this.#end] = id;
    this.#numbers[this.#end++] = entry;
    return entry;
  }

  forEach(visit: (id: number, entry: number) => void): void {
    for (let i = 0; i < this.#end; i++) visit(this.#ids[i]!, this.#numbers[i]!);
  }

  /** Keeps only the entries `current` accepts, in order. */
  compact(current: (id: number, entry: number) => boolean): void {
    let write = 0;
    for (let read = 0; read < this.#end; read++) {
      const id = this.#ids[read]!;
      const entry = this.#numbers[read]!;
      if (!current(id, entry)) continue;
      this.#ids[write] = id;
      this.#numbers[write++] = entry;
    }
    this.#end = write;
  }
}
