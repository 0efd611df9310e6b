import type { BundleValue, BundleValueSink } from './bundle-preview.js';
import { AGENT_SOURCE, DIGIT_BASE, LAST_DIGIT, MAX_REPEAT_PERIOD, MORE_DIGIT, OP_STRIDE, PROTOCOL_VERSION, REPEAT, type AgentBatch, type Op } from './messages.js';

// Typed by hand: the core is built without DOM or Node typings. Every runtime with
// FinalizationRegistry (which the core needs) has TextDecoder.
const ascii = new (globalThis as unknown as { TextDecoder: new () => { decode(bytes: Uint8Array): string } }).TextDecoder();

/**
 * Bytes one event takes at most: OP_STRIDE numbers of up to 11 digits (any safe integer), after
 * the repeat it may close (REPEAT and two numbers).
 */
const EVENT_ROOM = OP_STRIDE * 11 + 1 + 2 * 11;
/** The longest wait between two searches for a repeat (OpsWriter#repeat). */
const MAX_WAIT = 15;

/** Writes the digits of `AgentBatch.ops` into a reused byte buffer (see messages.ts). */
class OpsWriter {
  /**
   * Whether an event that copies the four numbers of one of the last events is counted into a
   * REPEAT instead of written: only for readers that said they decode it (READS_REPEATS).
   */
  repeats = false;
  #bytes = new Uint8Array(4096);
  #length = 0;
  readonly #digits: number[] = [];
  /**
   * The numbers of the batch's last MAX_REPEAT_PERIOD events, in slot `index & (MAX_REPEAT_PERIOD
   * - 1)`: heads (below 8 × MAX_STRINGS_PER_BATCH) apart, then [step, time, bundle] each: what a
   * repeat copies. Kept only with `repeats` on.
   */
  readonly #heads = new Int32Array(MAX_REPEAT_PERIOD);
  readonly #recent = new Float64Array(3 * MAX_REPEAT_PERIOD);
  /** Events in this batch, written or repeated. */
  #count = 0;
  /** The open repeat: its period (0: none) and how many events it holds, not written yet. */
  #period = 0;
  #repeated = 0;
  /** Events to let by before the next search for a repeat, and the wait after the next failed one. */
  #wait = 0;
  #backoff = 0;
  /** The event a repeat of period 1 copies. */
  #runHead = 0;
  #runStep = 0;
  #runTime = 0;
  #runBundle = 0;

  /**
   * One event as AgentBatch.ops carries it: type and op with the "serial went down" bit, the
   * serial's step from `previousSerial`, the time step (µs), the bundle index + 1 (0: none).
   */
  event(typeIndex: number, op: number, previousSerial: number, serial: number, timeStep: number, bundle: number): void {
    const back = serial < previousSerial;
    const head = typeIndex * 8 + (back ? 4 : 0) + op;
    const step = back ? previousSerial - serial : serial - previousSerial;
    if (this.repeats && this.#repeat(head, step, timeStep, bundle)) return;
    // Room for the largest event (four numbers of 11 digits) checked once, not per number.
    if (this.#length + EVENT_ROOM > this.#bytes.length) this.#grow();
    // Nearly every event is four one-digit numbers (a few types, consecutive serials, events of
    // one task microseconds apart, no bundle or one of the batch's first): written in one go.
    if (head < DIGIT_BASE && step < DIGIT_BASE && timeStep < DIGIT_BASE && bundle < DIGIT_BASE) {
      const bytes = this.#bytes;
      const at = this.#length;
      bytes[at] = LAST_DIGIT + head;
      bytes[at + 1] = LAST_DIGIT + step;
      bytes[at + 2] = LAST_DIGIT + timeStep;
      bytes[at + 3] = LAST_DIGIT + bundle;
      this.#length = at + 4;
      return;
    }
    this.#write(head);
    this.#write(step);
    this.#write(timeStep);
    this.#write(bundle);
  }

  /**
   * Keeps the event among the recent ones, and whether it joins a repeat: it copies the event
   * `period` before it, the open repeat's or, with none open, the nearest of the recent events.
   * A loop's events: one type and op, or a few in turn (attached then updated, attached then
   * destroyed), consecutive serials, one clock reading.
   */
  #repeat(head: number, step: number, time: number, bundle: number): boolean {
    const count = this.#count;
    this.#count = count + 1;
    let period = this.#period;
    // A loop of one event, the common case: compared with fields, and its copies are put in the
    // ring only when the repeat ends (#fillRun).
    if (period === 1 && head === this.#runHead && step === this.#runStep && time === this.#runTime && bundle === this.#runBundle) {
      this.#repeated++;
      return true;
    }
    let repeats = false;
    if (period > 0) {
      if (period > 1 && this.#holds((count - period) & (MAX_REPEAT_PERIOD - 1), head, step, time, bundle)) {
        this.#repeated++;
        repeats = true;
      } else {
        // The repeat ends here; this event may start the next one (a loop's event after a clock reading).
        if (this.#length + EVENT_ROOM > this.#bytes.length) this.#grow();
        if (period === 1) this.#fillRun(count);
        this.#closeRepeat();
      }
    }
    if (!repeats) {
      if (this.#wait > 0) {
        this.#wait--;
      } else {
        for (period = 1; !repeats && period <= MAX_REPEAT_PERIOD && period <= count; period++) {
          if (this.#holds((count - period) & (MAX_REPEAT_PERIOD - 1), head, step, time, bundle)) {
            this.#period = period;
            this.#repeated = 1;
            repeats = true;
            if (period === 1) [this.#runHead, this.#runStep, this.#runTime, this.#runBundle] = [head, step, time, bundle];
          }
        }
        // Past a batch's first events, events that repeat nothing search less and less often (at
        // most every MAX_WAIT + 1 events): a mix of many types pays a fraction of the search,
        // and a loop is still found within a few events.
        const failed = !repeats && count >= MAX_REPEAT_PERIOD;
        this.#wait = failed ? this.#backoff : 0;
        this.#backoff = failed ? Math.min(MAX_WAIT, this.#backoff * 2 + 1) : 0;
      }
    }
    // Kept after the comparisons: a period of MAX_REPEAT_PERIOD compares with the slot this event takes.
    this.#keep(count & (MAX_REPEAT_PERIOD - 1), head, step, time, bundle);
    return repeats;
  }

  /** Whether ring slot `at` holds these numbers: heads first, most events of a mix differ there. */
  #holds(at: number, head: number, step: number, time: number, bundle: number): boolean {
    const recent = this.#recent;
    return this.#heads[at] === head && recent[at * 3] === step && recent[at * 3 + 1] === time && recent[at * 3 + 2] === bundle;
  }

  #keep(at: number, head: number, step: number, time: number, bundle: number): void {
    const recent = this.#recent;
    this.#heads[at] = head;
    recent[at * 3] = step;
    recent[at * 3 + 1] = time;
    recent[at * 3 + 2] = bundle;
  }

  /** Puts the last copies (up to MAX_REPEAT_PERIOD) of a repeat of period 1 ending before event `end` in the ring. */
  #fillRun(end: number): void {
    for (let e = Math.max(end - this.#repeated, end - MAX_REPEAT_PERIOD); e < end; e++) {
      this.#keep(e & (MAX_REPEAT_PERIOD - 1), this.#runHead, this.#runStep, this.#runTime, this.#runBundle);
    }
  }

  /** Whether a repeat of period 1 is open: the next event that equals the last one only adds to its count. */
  get looping(): boolean {
    return this.#period === 1;
  }

  /** One more copy of the open repeat of period 1 (`looping`), the last event again. */
  copyLoop(): void {
    this.#count++;
    this.#repeated++;
  }

  /** Writes the open repeat (REPEAT, its period, its events); the caller made room for it. */
  #closeRepeat(): void {
    this.#bytes[this.#length++] = REPEAT;
    this.#write(this.#period);
    this.#write(this.#repeated);
    this.#period = 0;
    this.#repeated = 0;
  }

  /** Appends a non-negative safe integer; the caller made room for it. */
  #write(value: number): void {
    const bytes = this.#bytes;
    if (value < DIGIT_BASE) {
      bytes[this.#length++] = LAST_DIGIT + value;
    } else if (value < DIGIT_BASE * DIGIT_BASE) {
      bytes[this.#length++] = MORE_DIGIT + (value >> 5);
      bytes[this.#length++] = LAST_DIGIT + (value & 31);
    } else if (value < DIGIT_BASE * DIGIT_BASE * DIGIT_BASE) {
      // Bundle indexes of a full batch are here: no digit list for them.
      bytes[this.#length++] = MORE_DIGIT + (value >> 10);
      bytes[this.#length++] = MORE_DIGIT + ((value >> 5) & 31);
      bytes[this.#length++] = LAST_DIGIT + (value & 31);
    } else {
      // Arithmetic, not bit operators: serials and offsets may pass 2^31.
      const digits = this.#digits;
      digits.length = 0;
      for (; value >= DIGIT_BASE; value = (value - (value % DIGIT_BASE)) / DIGIT_BASE) digits.push(value % DIGIT_BASE);
      bytes[this.#length++] = MORE_DIGIT + value;
      for (let i = digits.length - 1; i > 0; i--) bytes[this.#length++] = MORE_DIGIT + digits[i]!;
      bytes[this.#length++] = LAST_DIGIT + digits[0]!;
    }
  }

  /** The digits written so far as a string; the writer starts empty again. */
  take(): string {
    if (this.#repeated > 0) {
      if (this.#length + EVENT_ROOM > this.#bytes.length) this.#grow();
      this.#closeRepeat();
    }
    // Each batch stands alone: its first event repeats nothing.
    this.#count = 0;
    this.#wait = 0;
    this.#backoff = 0;
    const length = this.#length;
    this.#length = 0;
    // ASCII decodes natively, ~25× faster than String.fromCharCode over slices of the bytes.
    return ascii.decode(this.#bytes.subarray(0, length));
  }

  #grow(): void {
    const bytes = new Uint8Array(this.#bytes.length * 2);
    bytes.set(this.#bytes);
    this.#bytes = bytes;
  }
}

/**
 * The open batch's values, written over the slots of the batches before: a batch's values are
 * copied out once, at their exact length, when it closes. Appending to a new array per batch
 * had cost each value its share of the array's growth (a copy at every step, and the garbage),
 * twice what a write in place and the one copy cost (docs/BENCHMARKS.md). The slots keep the
 * last batch's values (primitives only, within a batch's bounds) until written over.
 */
export class BundleValues implements BundleValueSink {
  readonly #slots: BundleValue[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Drops the values from `length` on (what a bundle appended before it turned out to go as text). */
  set length(length: number) {
    if (length >= 0 && length < this.#length) this.#length = length;
  }

  push(value: BundleValue): void {
    const slots = this.#slots;
    const at = this.#length;
    if (at < slots.length) slots[at] = value;
    else slots.push(value);
    this.#length = at + 1;
  }

  /** Characters of the string values from `from` on. */
  charsFrom(from: number): number {
    const slots = this.#slots;
    let chars = 0;
    for (let i = from; i < this.#length; i++) {
      const value = slots[i];
      if (typeof value === 'string') chars += value.length;
    }
    return chars;
  }

  /** Appends the values from `from` up to `to` again. */
  copy(from: number, to: number): void {
    const slots = this.#slots;
    for (let i = from; i < to; i++) this.push(slots[i]!);
  }

  /** The values as an array of their own, and none left here. */
  take(): BundleValue[] {
    const values = this.#slots.slice(0, this.#length);
    this.#length = 0;
    return values;
  }
}

/**
 * Builds the `strings` and `ops` of an AgentBatch, one event at a time, without allocating per
 * event. The clock is read when a batch starts, at the first event after `nextTask()`, and then
 * once every `readClockEvery` events: events in between share the last reading (the clock read is
 * the largest per-event cost; events of one task are microseconds apart anyway).
 */
export class BatchEncoder {
  readonly #clock: () => number;
  readonly #readClockEvery: number;
  readonly #ops = new OpsWriter();
  #events = 0;
  #strings: string[] = [];
  #index = new Map<string, number>();
  /** The type name of the previous event and its index: runs of one type skip the map. */
  #lastType: string | null = null;
  #lastTypeIndex = 0;
  #chars = 0;
  #t0 = 0;
  #offset = 0;
  #sinceRead = 0;
  #lastSerial = 0;
  #lastOffset = 0;
  /** The latest bundle text's index + 1 in this batch; 0 before the first. */
  #lastBundle = 0;
  readonly #values = new BundleValues();
  /** Whether an event of the open batch has its bundle sent as values. */
  #shaped = false;
  /** The last shape added and its bundle index + 1: bundles of one kind come in runs, and a lookup of the shape's long text cost ~10% of addShaped. */
  #lastShape = '';
  #lastShapeIndex = 0;
  /**
   * How many more copies of the last event `addLoopCopy` may take (0: it takes none), the op
   * they have and the serial the next one has: copies before the next clock reading, while a
   * repeat of period 1 of an event without a time step or a bundle is open.
   */
  #loopLeft = 0;
  #loopOp = 0;
  #loopSerial = 0;

  /** `clock` returns epoch milliseconds with sub-millisecond precision. */
  constructor(clock: () => number, readClockEvery = 64) {
    this.#clock = clock;
    this.#readClockEvery = readClockEvery;
  }

  /**
   * Write repeats (docs/protocol.md, "Repeats"): for a reader that said it decodes them
   * (READS_REPEATS in its ready), or for batches kept until a reader answers (withoutRepeats
   * writes them out for one that does not). Takes effect from the next event on.
   */
  set repeats(on: boolean) {
    this.#ops.repeats = on;
  }

  /** Events in the open batch. */
  get size(): number {
    return this.#events;
  }

  /** Strings in the open batch (type names, bundle texts, shapes). */
  get strings(): number {
    return this.#strings.length;
  }

  /** Characters of the open batch's strings (type names, bundle texts). */
  get chars(): number {
    return this.#chars;
  }

  /**
   * The open batch's `values` (AgentBatch.values): a bundle sent as values appends its values
   * here, then its event with `addShaped`.
   */
  get values(): BundleValues {
    return this.#values;
  }

  /**
   * Adds an event. `repeat`: its bundle text is the previous bundle's (its caller knows that
   * without comparing the texts, e.g. the same bundle object), so it shares that string slot.
   */
  add(op: Op, serial: number, type: string, bundleJson: string | undefined, repeat = false): void {
    const typeIndex = this.#typeIndex(type);
    this.#event(op, serial, typeIndex, bundleJson === undefined ? 0 : repeat && this.#lastBundle > 0 ? this.#lastBundle : this.#bundle(bundleJson));
  }

  /**
   * Adds the event and returns true when it is one more copy of the open loop: the last event
   * again (`type`, `op`, no bundle) with its serial moved by the same step, in a repeat of period
   * 1 (docs/protocol.md, "Repeats"), before the next clock reading. Otherwise adds nothing and
   * returns false. What `add(op, serial, type, undefined)` writes for such an event, at a fraction
   * of its cost: a loop of constructions is nearly all such events.
   */
  addLoopCopy(op: Op, serial: number, type: string): boolean {
    if (this.#loopLeft === 0 || serial !== this.#loopSerial || op !== this.#loopOp || type !== this.#lastType) return false;
    this.#loopLeft--;
    // Past 2^53 the sum rounds to a number no safe serial equals, so no event is taken wrongly.
    this.#loopSerial = serial + (serial - this.#lastSerial);
    this.#lastSerial = serial;
    this.#events++;
    this.#sinceRead++;
    this.#ops.copyLoop();
    return true;
  }

  /**
   * Adds an event whose bundle is sent as values: `shape` (bundle-preview.ts, shapeText) is
   * interned like a type name, and its values were appended to `values` from index `from` on.
   */
  addShaped(op: Op, serial: number, type: string, shape: string, from: number): void {
    this.#chars += this.#values.charsFrom(from);
    const typeIndex = this.#typeIndex(type);
    if (shape !== this.#lastShape) {
      this.#lastShape = shape;
      this.#lastShapeIndex = this.#intern(shape) + 1;
    }
    this.#event(op, serial, typeIndex, this.#lastShapeIndex);
    this.#shaped = true;
  }

  /** `bundle`: the bundle string's index + 1, or 0 for none. */
  #event(op: Op, serial: number, typeIndex: number, bundle: number): void {
    if (this.#events === 0) {
      this.#t0 = this.#clock();
      this.#offset = 0;
      this.#sinceRead = 0;
    } else if (++this.#sinceRead >= this.#readClockEvery) {
      // Never before the previous event: a clock may step back a little, and ops holds no negative change.
      this.#offset = Math.max(this.#offset, Math.round((this.#clock() - this.#t0) * 1000));
      this.#sinceRead = 0;
    }
    this.#events++;
    const timeStep = this.#offset - this.#lastOffset;
    const ops = this.#ops;
    ops.event(typeIndex, op, this.#lastSerial, serial, timeStep, bundle);
    // This event copied the one before: its copies until the next clock reading can take the short way.
    this.#loopLeft = ops.looping && timeStep === 0 && bundle === 0 ? this.#readClockEvery - 1 - this.#sinceRead : 0;
    this.#loopOp = op;
    this.#loopSerial = serial + (serial - this.#lastSerial);
    this.#lastSerial = serial;
    this.#lastOffset = this.#offset;
  }

  /** The next event reads the clock: events of separate tasks never share a reading. */
  nextTask(): void {
    this.#sinceRead = this.#readClockEvery;
    this.#loopLeft = 0;
  }

  /** Closes the open batch and returns it (or null when empty); the next `add` starts a new one. */
  take(session: string, frame: string, seq: number, dropped: number): AgentBatch | null {
    if (this.#events === 0) return null;
    const batch: AgentBatch = {
      source: AGENT_SOURCE,
      v: PROTOCOL_VERSION,
      kind: 'batch',
      session,
      frame,
      seq,
      t0: this.#t0,
      dropped,
      events: this.#events,
      strings: this.#strings,
      ops: this.#ops.take(),
    };
    // Even when empty (every bundle an empty array): `values` is what says shapes are shapes.
    if (this.#shaped) {
      this.#shaped = false;
      batch.values = this.#values.take();
    }
    this.#events = 0;
    this.#strings = [];
    this.#index = new Map();
    this.#lastType = null;
    this.#chars = 0;
    this.#lastSerial = 0;
    this.#lastOffset = 0;
    this.#lastBundle = 0;
    this.#lastShape = '';
    this.#loopLeft = 0;
    return batch;
  }

  /**
   * A new slot for a bundle text; returns its index + 1. Not interned like type names, not even
   * compared with the previous one: nearly every bundle text is new, and hashing or comparing
   * each cost more than its preview.
   */
  #bundle(text: string): number {
    this.#chars += text.length;
    return (this.#lastBundle = this.#strings.push(text));
  }

  #intern(text: string): number {
    let index = this.#index.get(text);
    if (index === undefined) {
      index = this.#strings.push(text) - 1;
      this.#index.set(text, index);
      this.#chars += text.length;
    }
    return index;
  }

  /** A type name's index: the previous event's again without a lookup, else interned. */
  #typeIndex(type: string): number {
    if (type === this.#lastType) return this.#lastTypeIndex;
    this.#lastType = type;
    return (this.#lastTypeIndex = this.#intern(type));
  }
}

/**
 * The `ops` and `events` of a batch from events given as numbers, OP_STRIDE per event:
 * `[typeIndex * 4 + op, serial, microseconds since t0, bundleIndex or -1]`, times never going
 * back; `repeats`: write REPEAT runs as the agent does for a reader that reads them. For tests,
 * tools and hand-made batches; the agent itself uses BatchEncoder.
 */
export function encodeOps(events: readonly number[], { repeats = false } = {}): { events: number; ops: string } {
  const ops = new OpsWriter();
  ops.repeats = repeats;
  let lastSerial = 0;
  let lastOffset = 0;
  for (let i = 0; i + OP_STRIDE <= events.length; i += OP_STRIDE) {
    const [typeOp, serial, offset, bundle] = [events[i]!, events[i + 1]!, events[i + 2]!, events[i + 3]!];
    if (![typeOp, serial, offset, bundle + 1, offset - lastOffset].every((n) => Number.isSafeInteger(n) && n >= 0)) {
      throw new RangeError(`encodeOps: event ${i / OP_STRIDE} is not encodable (negative, fractional, or earlier than the one before)`);
    }
    ops.event(Math.floor(typeOp / 4), typeOp % 4, lastSerial, serial, offset - lastOffset, bundle + 1);
    lastSerial = serial;
    lastOffset = offset;
  }
  return { events: Math.floor(events.length / OP_STRIDE), ops: ops.take() };
}

/**
 * `ops` with every repeat written out: the same events as protocol 2 writes them, for a reader
 * whose ready did not list READS_REPEATS. A repeat copies the numbers of earlier events, so its
 * copies are those events' characters again. For the agent's own batches (well formed).
 */
export function withoutRepeats(ops: string): string {
  if (ops.indexOf('!') < 0) return ops;
  // The characters of the last MAX_REPEAT_PERIOD events, in slot `index & (MAX_REPEAT_PERIOD - 1)`.
  const recent: string[] = [];
  const parts: string[] = [];
  let index = 0;
  let at = 0;
  const number = (): number => {
    let value = 0;
    for (let c = ops.charCodeAt(at++); c >= MORE_DIGIT; c = ops.charCodeAt(at++)) value = value * DIGIT_BASE + (c - MORE_DIGIT);
    return value * DIGIT_BASE + (ops.charCodeAt(at - 1) - LAST_DIGIT);
  };
  while (at < ops.length) {
    if (ops.charCodeAt(at) === REPEAT) {
      at++;
      const period = number();
      const count = number();
      for (let i = 0; i < count; i++, index++) {
        const event = recent[(index - period) & (MAX_REPEAT_PERIOD - 1)]!;
        recent[index & (MAX_REPEAT_PERIOD - 1)] = event;
        parts.push(event);
      }
    } else {
      const start = at;
      for (let n = 0; n < OP_STRIDE; n++) number();
      const event = ops.slice(start, at);
      recent[index++ & (MAX_REPEAT_PERIOD - 1)] = event;
      parts.push(event);
    }
  }
  return parts.join('');
}
