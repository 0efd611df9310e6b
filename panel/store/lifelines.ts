import type { InstanceRecord } from './session.js';

/** Most lifelines kept per session; the oldest (earliest attached) is dropped first. */
export const MAX_LIFELINES = 250_000;
/** Most bundle-update marks kept per session; the oldest is dropped first. */
export const MAX_UPDATE_MARKS = 2_000_000;

/** "No mark" in the per-row mark chains. */
const NONE = -1;
const INITIAL_CAPACITY = 1024;

/**
 * Every instance's lifeline in a session, for the timeline: when it was attached, detached and
 * destroyed, its latest bundle, and when its bundle was updated. Columnar, in typed arrays, so
 * 100,000s of instances and millions of updates cost a few bytes each and no object per event.
 *
 * Rows and marks have absolute ids (never reused); their arrays hold the ids from a base that
 * moves forward when the evicted front is compacted away. Each row's updates form a chain
 * (first, next… in mark ids), so a row's ticks are found without scanning other rows', and
 * evicting the oldest mark only ever unlinks the head of its row's chain.
 */
export class Lifelines {
  readonly #maxRows: number;
  readonly #maxMarks: number;

  /** Type names, in order of first appearance; a row's type indexes this. */
  readonly typeNames: string[] = [];
  readonly #typeIndex = new Map<string, number>();
  readonly frameNames: string[] = [];
  readonly #frameIndex = new Map<string, number>();
  /** Per frame index: serial → row id. */
  readonly #bySerial: Map<number, number>[] = [];
  readonly #groups: TypeRows[] = [];

  #capacity = INITIAL_CAPACITY;
  #rowBase = 0;
  #firstRow = 0;
  #endRow = 0;
  #serial = new Float64Array(INITIAL_CAPACITY);
  #type = new Int32Array(INITIAL_CAPACITY);
  #frame = new Int32Array(INITIAL_CAPACITY);
  #created = new Float64Array(INITIAL_CAPACITY);
  #detached = new Float64Array(INITIAL_CAPACITY);
  #destroyed = new Float64Array(INITIAL_CAPACITY);
  #firstMark = new Float64Array(INITIAL_CAPACITY);
  #lastMark = new Float64Array(INITIAL_CAPACITY);
  #bundle: (string | undefined)[] = [];

  #markCapacity = INITIAL_CAPACITY;
  #markBase = 0;
  #firstMarkId = 0;
  #endMark = 0;
  #markTime = new Float64Array(INITIAL_CAPACITY);
  #markRow = new Float64Array(INITIAL_CAPACITY);
  #markNext = new Float64Array(INITIAL_CAPACITY);

  /** Lifelines dropped to stay within the bound, oldest first. */
  evictedRows = 0;
  /** Update marks dropped to stay within the bound, oldest first. */
  evictedMarks = 0;
  /** Latest event time seen (epoch ms); -Infinity before the first. */
  lastTime = -Infinity;

  constructor(maxRows = MAX_LIFELINES, maxMarks = MAX_UPDATE_MARKS) {
    this.#maxRows = maxRows;
    this.#maxMarks = maxMarks;
  }

  /** Lifelines kept. */
  get size(): number {
    return this.#endRow - this.#firstRow;
  }

  /** Update marks kept (those of evicted rows included until they age out). */
  get markCount(): number {
    return this.#endMark - this.#firstMarkId;
  }

  /** The index of a type name, added on first sight. */
  typeIndex(name: string): number {
    let index = this.#typeIndex.get(name);
    if (index === undefined) {
      index = this.typeNames.push(name) - 1;
      this.#typeIndex.set(name, index);
      this.#groups.push(new TypeRows());
    }
    return index;
  }

  /** The index of a frame id, added on first sight. */
  frameIndex(name: string): number {
    let index = this.#frameIndex.get(name);
    if (index === undefined) {
      index = this.frameNames.push(name) - 1;
      this.#frameIndex.set(name, index);
      this.#bySerial.push(new Map());
    }
    return index;
  }

  attached(frame: number, serial: number, type: number, time: number, bundle: string | undefined): void {
    this.#saw(time);
    const known = this.#bySerial[frame]!.get(serial);
    if (known !== undefined && known >= this.#firstRow && Number.isNaN(this.#destroyed[known - this.#rowBase]!)) {
      // Attached again (a new tracker): the same instance, so the same lifeline, live again.
      const slot = known - this.#rowBase;
      this.#detached[slot] = Number.NaN;
      this.#bundle[slot] = bundle;
      this.#mark(known, time);
      return;
    }
    if (this.#endRow - this.#rowBase === this.#capacity) this.#makeRoom();
    const id = this.#endRow++;
    const slot = id - this.#rowBase;
    this.#serial[slot] = serial;
    this.#type[slot] = type;
    this.#frame[slot] = frame;
    this.#created[slot] = time;
    this.#detached[slot] = Number.NaN;
    this.#destroyed[slot] = Number.NaN;
    this.#firstMark[slot] = NONE;
    this.#lastMark[slot] = NONE;
    this.#bundle[slot] = bundle;
    this.#bySerial[frame]!.set(serial, id);
    this.#groups[type]!.push(id, serial, frame);
    if (this.#endRow - this.#firstRow > this.#maxRows) this.#evictRow();
  }

  detached(frame: number, serial: number, time: number): void {
    this.#saw(time);
    const slot = this.#slot(frame, serial);
    if (slot !== NONE && Number.isNaN(this.#detached[slot]!)) this.#detached[slot] = time;
  }

  updated(frame: number, serial: number, time: number, bundle: string | undefined): void {
    this.#saw(time);
    const slot = this.#slot(frame, serial);
    if (slot === NONE) return;
    this.#bundle[slot] = bundle;
    this.#mark(slot + this.#rowBase, time);
  }

  destroyed(frame: number, serial: number, time: number): void {
    this.#saw(time);
    const slot = this.#slot(frame, serial);
    if (slot !== NONE) this.#destroyed[slot] = time;
  }

  /** Kept rows of a type, ordered by serial (then frame). A view of internal storage: read it before the next event. */
  rows(type: number): Float64Array {
    const group = this.#groups[type];
    return group === undefined ? new Float64Array(0) : group.view(this.#firstRow, this.#serial, this.#frame, this.#rowBase);
  }

  /** The row id of an instance, if kept. */
  find(frame: string, serial: number): number | undefined {
    const index = this.#frameIndex.get(frame);
    const id = index === undefined ? undefined : this.#bySerial[index]!.get(serial);
    return id !== undefined && id >= this.#firstRow ? id : undefined;
  }

  serial(id: number): number {
    return this.#serial[id - this.#rowBase]!;
  }

  type(id: number): string {
    return this.typeNames[this.#type[id - this.#rowBase]!]!;
  }

  frame(id: number): string {
    return this.frameNames[this.#frame[id - this.#rowBase]!]!;
  }

  /** Epoch ms of the attach. */
  created(id: number): number {
    return this.#created[id - this.#rowBase]!;
  }

  /** Epoch ms of the detach; NaN while attached. */
  detachedAt(id: number): number {
    return this.#detached[id - this.#rowBase]!;
  }

  /** Epoch ms of the destroyed event; NaN while not known to be collected. */
  destroyedAt(id: number): number {
    return this.#destroyed[id - this.#rowBase]!;
  }

  /** JSON text of the latest bundle. */
  bundle(id: number): string | undefined {
    return this.#bundle[id - this.#rowBase];
  }

  /**
   * Whether row `id` is kept. Ids read from `rows` before later events may have been evicted
   * since: a view drawing from an older read skips those.
   */
  has(id: number): boolean {
    return id >= this.#firstRow && id < this.#endRow;
  }

  /** Calls `visit` with the time of each kept update mark of a row, oldest first. */
  forEachMark(id: number, visit: (time: number) => void): void {
    if (!this.has(id)) return;
    for (let mark = this.#firstMark[id - this.#rowBase]!; mark !== NONE; mark = this.#markNext[mark - this.#markBase]!) {
      visit(this.#markTime[mark - this.#markBase]!);
    }
  }

  /**
   * The instance as the bundle inspector reads it, for instances the session's bounded records
   * no longer hold. Its bundle history is the latest entry only: earlier bundles are not kept.
   */
  record(frame: string, serial: number): InstanceRecord | undefined {
    const id = this.find(frame, serial);
    if (id === undefined) return undefined;
    const slot = id - this.#rowBase;
    const bundle = this.#bundle[slot];
    const record: { -readonly [K in keyof InstanceRecord]: InstanceRecord[K] } = { type: this.type(id), created: this.#created[slot]! };
    if (bundle !== undefined) record.bundle = bundle;
    if (!Number.isNaN(this.#detached[slot]!)) record.detached = this.#detached[slot]!;
    if (!Number.isNaN(this.#destroyed[slot]!)) record.destroyed = this.#destroyed[slot]!;
    const last = this.#lastMark[slot]!;
    if (last !== NONE) record.history = [{ time: this.#markTime[last - this.#markBase]!, op: 'updated', bundle }];
    return record;
  }

  #saw(time: number): void {
    if (time > this.lastTime) this.lastTime = time;
  }

  /** The slot of a kept instance, or NONE. */
  #slot(frame: number, serial: number): number {
    const id = this.#bySerial[frame]!.get(serial);
    return id === undefined || id < this.#firstRow ? NONE : id - this.#rowBase;
  }

  #mark(id: number, time: number): void {
    if (this.#endMark - this.#markBase === this.#markCapacity) this.#makeMarkRoom();
    const mark = this.#endMark++;
    const markSlot = mark - this.#markBase;
    this.#markTime[markSlot] = time;
    this.#markRow[markSlot] = id;
    this.#markNext[markSlot] = NONE;
    const slot = id - this.#rowBase;
    const last = this.#lastMark[slot]!;
    if (last === NONE) this.#firstMark[slot] = mark;
    else this.#markNext[last - this.#markBase] = mark;
    this.#lastMark[slot] = mark;
    if (this.#endMark - this.#firstMarkId > this.#maxMarks) this.#evictMark();
  }

  #evictRow(): void {
    const id = this.#firstRow++;
    const slot = id - this.#rowBase;
    const frame = this.#frame[slot]!;
    const serial = this.#serial[slot]!;
    const bySerial = this.#bySerial[frame]!;
    if (bySerial.get(serial) === id) bySerial.delete(serial);
    this.#groups[this.#type[slot]!]!.evicted(id, this.#firstRow);
    this.#bundle[slot] = undefined;
    this.evictedRows++;
  }

  #evictMark(): void {
    const mark = this.#firstMarkId++;
    const markSlot = mark - this.#markBase;
    const row = this.#markRow[markSlot]!;
    // The oldest mark of all is the oldest of its row: it is the head of that row's chain.
    if (row >= this.#firstRow) {
      const slot = row - this.#rowBase;
      const next = this.#markNext[markSlot]!;
      this.#firstMark[slot] = next;
      if (next === NONE) this.#lastMark[slot] = NONE;
    }
    this.evictedMarks++;
  }

  /** Compacts the evicted front away, or doubles the row arrays (up to room for a quarter more than the bound). */
  #makeRoom(): void {
    const evicted = this.#firstRow - this.#rowBase;
    if (evicted * 4 >= this.#capacity || this.#capacity >= roomFor(this.#maxRows)) {
      for (const column of this.#rowColumns()) column.copyWithin(0, evicted);
      this.#bundle.copyWithin(0, evicted);
      this.#bundle.length = this.#capacity - evicted;
      this.#rowBase = this.#firstRow;
      return;
    }
    this.#capacity = Math.min(this.#capacity * 2, roomFor(this.#maxRows));
    this.#serial = grown(this.#serial, this.#capacity);
    this.#type = grown(this.#type, this.#capacity);
    this.#frame = grown(this.#frame, this.#capacity);
    this.#created = grown(this.#created, this.#capacity);
    this.#detached = grown(this.#detached, this.#capacity);
    this.#destroyed = grown(this.#destroyed, this.#capacity);
    this.#firstMark = grown(this.#firstMark, this.#capacity);
    this.#lastMark = grown(this.#lastMark, this.#capacity);
  }

  #rowColumns(): (Float64Array | Int32Array)[] {
    return [this.#serial, this.#type, this.#frame, this.#created, this.#detached, this.#destroyed, this.#firstMark, this.#lastMark];
  }

  #makeMarkRoom(): void {
    const evicted = this.#firstMarkId - this.#markBase;
    if (evicted * 4 >= this.#markCapacity || this.#markCapacity >= roomFor(this.#maxMarks)) {
      this.#markTime.copyWithin(0, evicted);
      this.#markRow.copyWithin(0, evicted);
      this.#markNext.copyWithin(0, evicted);
      this.#markBase = this.#firstMarkId;
      return;
    }
    this.#markCapacity = Math.min(this.#markCapacity * 2, roomFor(this.#maxMarks));
    this.#markTime = grown(this.#markTime, this.#markCapacity);
    this.#markRow = grown(this.#markRow, this.#markCapacity);
    this.#markNext = grown(this.#markNext, this.#markCapacity);
  }
}

/**
 * Array length for a bound: a quarter more, so a full buffer compacts (copies) once per quarter
 * of the bound evicted, not on every eviction.
 */
function roomFor(bound: number): number {
  return Math.ceil(bound * 1.25) + 1;
}

function grown<T extends Float64Array | Int32Array>(array: T, capacity: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(capacity);
  bigger.set(array);
  return bigger;
}

/**
 * The row ids of one type, ordered by (serial, frame). Rows arrive in serial order within a
 * frame, so appending keeps the order unless frames interleave; then the list is sorted when
 * next read. Evicted rows usually sit at the front (they are the oldest); any that do not are
 * filtered out when next read.
 */
class TypeRows {
  #ids = new Float64Array(64);
  #head = 0;
  #end = 0;
  #sorted = true;
  /** Evicted ids still in the list somewhere after the head. */
  #stale = 0;
  #lastSerial = -Infinity;
  #lastFrame = -1;

  push(id: number, serial: number, frame: number): void {
    if (serial < this.#lastSerial || (serial === this.#lastSerial && frame < this.#lastFrame)) this.#sorted = false;
    this.#lastSerial = serial;
    this.#lastFrame = frame;
    if (this.#end === this.#ids.length) {
      const live = this.#end - this.#head;
      if (this.#head * 2 >= this.#ids.length) this.#ids.copyWithin(0, this.#head, this.#end);
      else this.#ids = grown(this.#ids, this.#ids.length * 2).copyWithin(0, this.#head, this.#end);
      this.#head = 0;
      this.#end = live;
    }
    this.#ids[this.#end++] = id;
  }

  /** Row `id` was evicted; `firstRow` is now the oldest kept. */
  evicted(id: number, firstRow: number): void {
    if (this.#head < this.#end && this.#ids[this.#head] === id) this.#head++;
    // Bounded even if never read: once stale ids are half the list, they go.
    else if (++this.#stale * 2 > this.#end - this.#head) this.#dropStale(firstRow);
  }

  view(firstRow: number, serials: Float64Array, frames: Int32Array, base: number): Float64Array {
    if (this.#stale > 0) this.#dropStale(firstRow);
    const ids = this.#ids.subarray(this.#head, this.#end);
    if (!this.#sorted) {
      ids.sort((a, b) => serials[a - base]! - serials[b - base]! || frames[a - base]! - frames[b - base]!);
      this.#sorted = true;
      const last = ids.length > 0 ? ids[ids.length - 1]! - base : NONE;
      this.#lastSerial = last === NONE ? -Infinity : serials[last]!;
      this.#lastFrame = last === NONE ? -1 : frames[last]!;
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
