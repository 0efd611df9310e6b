import { bundleValueText, parseShape, RELEASED_BUNDLE, shapeWidth, type BundleValue } from './bundle-preview.js';
import { DIGIT_BASE, LAST_DIGIT, MAX_REPEAT_PERIOD, MORE_DIGIT, Op, OP_NAMES, OP_STRIDE, REPEAT, type AgentBatch, type OpName } from './messages.js';

/** One decoded lifecycle event. */
export interface LifecycleEvent {
  op: OpName;
  serial: number;
  /** Type name as the page names it. */
  type: string;
  /** Epoch milliseconds. */
  time: number;
  /** JSON text of the bundle made safe (parse with parseBundle), or undefined for none. */
  bundle: string | undefined;
}

/**
 * Calls `visit` for each event of a batch that passed validation, in order, without allocating
 * per event (the panel store decodes a million events a second this way).
 */
export function forEachEvent(
  batch: AgentBatch,
  visit: (op: Op, serial: number, type: string, time: number, bundle: string | undefined) => void,
): void {
  decode(batch, visit as EventVisitor, false);
}

/**
 * forEachEvent for readers that keep many bundles and read few (the panel keeps every instance's
 * latest bundle and shows a handful): a bundle sent as values comes as a ValuesBundle, whose
 * text is built only when asked for (`text()`, or `textAt` for a kept one). The batch's values stay shared meanwhile.
 */
export function forEachEventLazily(batch: AgentBatch, visit: EventVisitor): void {
  decode(batch, visit, true);
}

type EventVisitor = (op: Op, serial: number, type: string, time: number, bundle: BundleRef | undefined) => void;

function decode(batch: AgentBatch, visit: EventVisitor, lazy: boolean): void {
  const { ops, strings, t0, values } = batch;
  const shaped = values === undefined ? undefined : new ShapedBundles(strings, values);
  const length = ops.length;
  // The last MAX_REPEAT_PERIOD events' [head, signed serial step, time step, bundle], which a
  // REPEAT copies, in slot `index & (MAX_REPEAT_PERIOD - 1)`. Kept only when the batch holds a
  // repeat: one native search costs less than keeping them for every event of a batch without.
  const recent = ops.indexOf('!') < 0 ? null : new Float64Array(OP_STRIDE * MAX_REPEAT_PERIOD);
  let index = 0;
  let at = 0;
  let serial = 0;
  let offset = 0;
  // The four numbers of an event, inlined: a closure per number halves the decoding rate. Digit
  // values are added in parentheses: `n * 32 + c` alone could pass 2^53 and round.
  while (at < length) {
    let c = ops.charCodeAt(at++);
    if (c === REPEAT) {
      let period = 0;
      for (c = ops.charCodeAt(at++); c >= MORE_DIGIT; c = ops.charCodeAt(at++)) period = period * DIGIT_BASE + (c - MORE_DIGIT);
      period = period * DIGIT_BASE + (c - LAST_DIGIT);
      let times = 0;
      for (c = ops.charCodeAt(at++); c >= MORE_DIGIT; c = ops.charCodeAt(at++)) times = times * DIGIT_BASE + (c - MORE_DIGIT);
      times = times * DIGIT_BASE + (c - LAST_DIGIT);
      // Kept, since the batch holds this repeat.
      const kept = recent!;
      for (; times > 0; times--, index++) {
        const from = ((index - period) & (MAX_REPEAT_PERIOD - 1)) * OP_STRIDE;
        const to = (index & (MAX_REPEAT_PERIOD - 1)) * OP_STRIDE;
        const head = (kept[to] = kept[from]!);
        serial += kept[to + 1] = kept[from + 1]!;
        offset += kept[to + 2] = kept[from + 2]!;
        const bundle = (kept[to + 3] = kept[from + 3]!);
        const ref = bundle === 0 ? undefined : shaped === undefined ? strings[bundle - 1] : shaped.take(bundle - 1, lazy);
        visit((head & 3) as Op, serial, strings[head >> 3]!, t0 + offset / 1000, ref);
      }
      continue;
    }
    let head = 0;
    for (; c >= MORE_DIGIT; c = ops.charCodeAt(at++)) head = head * DIGIT_BASE + (c - MORE_DIGIT);
    head = head * DIGIT_BASE + (c - LAST_DIGIT);
    let step = 0;
    for (c = ops.charCodeAt(at++); c >= MORE_DIGIT; c = ops.charCodeAt(at++)) step = step * DIGIT_BASE + (c - MORE_DIGIT);
    step = step * DIGIT_BASE + (c - LAST_DIGIT);
    if (head & 4) step = -step;
    serial += step;
    let time = 0;
    for (c = ops.charCodeAt(at++); c >= MORE_DIGIT; c = ops.charCodeAt(at++)) time = time * DIGIT_BASE + (c - MORE_DIGIT);
    time = time * DIGIT_BASE + (c - LAST_DIGIT);
    offset += time;
    let bundle = 0;
    for (c = ops.charCodeAt(at++); c >= MORE_DIGIT; c = ops.charCodeAt(at++)) bundle = bundle * DIGIT_BASE + (c - MORE_DIGIT);
    bundle = bundle * DIGIT_BASE + (c - LAST_DIGIT);
    if (recent !== null) {
      const to = (index++ & (MAX_REPEAT_PERIOD - 1)) * OP_STRIDE;
      recent[to] = head;
      recent[to + 1] = step;
      recent[to + 2] = time;
      recent[to + 3] = bundle;
    }
    // head < 8 × MAX_STRINGS_PER_BATCH (validated), so bit operators are exact.
    const ref = bundle === 0 ? undefined : shaped === undefined ? strings[bundle - 1] : shaped.take(bundle - 1, lazy);
    visit((head & 3) as Op, serial, strings[head >> 3]!, t0 + offset / 1000, ref);
  }
}

/** A bundle as forEachEventLazily gives it: its JSON text, or a ValuesBundle to make it from. */
export type BundleRef = string | ValuesBundle;

/** A bundle sent as values (docs/protocol.md, "Bundles as values"), its text not built yet. */
export class ValuesBundle {
  readonly #layout: Layout;
  readonly #values: readonly BundleValue[];
  readonly #at: number;

  constructor(layout: Layout, values: readonly BundleValue[], at: number) {
    this.#layout = layout;
    this.#values = values;
    this.#at = at;
  }

  /** The bundle's JSON text: exactly the preview text the agent would have sent. */
  text(): string {
    return valuesText(this.#layout, this.#values, this.#at);
  }
}

/** A shape as the decoder uses it: per key, `{"key":` or `,"key":`, and how many values it takes (null: one; a number: an array's elements). */
interface Layout {
  keyTexts: string[];
  lengths: (number | null)[] | undefined;
  width: number;
}

/** The JSON text of the bundle whose values start at `at`. */
function valuesText({ keyTexts, lengths }: Layout, values: readonly BundleValue[], at: number): string {
  let text = '';
  for (let k = 0; k < keyTexts.length; k++) {
    text += keyTexts[k]!;
    const length = lengths === undefined ? null : lengths[k]!;
    if (length === null) {
      text += bundleValueText(values[at++]);
      continue;
    }
    text += '[';
    for (let i = 0; i < length; i++) text += (i === 0 ? '' : ',') + bundleValueText(values[at++]);
    text += ']';
  }
  text += '}';
  // Readers keep bundle texts (an instance's latest, its history): one flat string each, not
  // the tree of pieces concatenation leaves in V8.
  text.charCodeAt(0);
  return text;
}

/** The text of `bundles[index]`, kept in its place once built: a bundle read once is likely read again. */
export function textAt(bundles: (BundleRef | undefined)[], index: number): string | undefined {
  const bundle = bundles[index];
  if (typeof bundle !== 'object') return bundle;
  return (bundles[index] = bundle.text());
}

/**
 * The bundles of a batch with bundles sent as values: an event whose bundle string is a shape
 * takes its values in order; other strings are texts already.
 */
class ShapedBundles {
  readonly #strings: readonly string[];
  readonly #values: readonly BundleValue[];
  /** Per string index: a shape's layout, or null when it is no shape. */
  readonly #layouts = new Map<number, Layout | null>();
  #lastIndex = -1;
  #lastLayout: Layout | null | undefined = undefined;
  /** The next event's first value. */
  #next = 0;

  constructor(strings: readonly string[], values: readonly BundleValue[]) {
    this.#strings = strings;
    this.#values = values;
  }

  /** The bundle of an event whose bundle string is `index`: its text, or (`lazy`) what makes it. */
  take(index: number, lazy: boolean): BundleRef {
    // Runs of one shape are the usual case: the last one needs no lookup.
    let layout = index === this.#lastIndex ? this.#lastLayout : this.#layouts.get(index);
    if (layout === undefined) {
      const shape = parseShape(this.#strings[index]!);
      layout =
        shape === undefined
          ? null
          : { keyTexts: shape.keys.map((key, i) => `${i === 0 ? '{' : ','}${JSON.stringify(key)}:`), lengths: shape.lengths, width: shapeWidth(shape) };
      this.#layouts.set(index, layout);
    }
    this.#lastIndex = index;
    this.#lastLayout = layout;
    if (layout === null) return this.#strings[index]!;
    const at = this.#next;
    this.#next += layout.width;
    return lazy ? new ValuesBundle(layout, this.#values, at) : valuesText(layout, this.#values, at);
  }
}

/** The events of a batch as objects: convenient for tests and small batches. */
export function decodeBatch(batch: AgentBatch): LifecycleEvent[] {
  const events: LifecycleEvent[] = [];
  forEachEvent(batch, (op, serial, type, time, bundle) => events.push({ op: OP_NAMES[op], serial, type, time, bundle }));
  return events;
}

/**
 * Whether an event says "released" (docs/protocol.md, "Released"): an update whose bundle is
 * exactly RELEASED_BUNDLE. Such an update leaves the instance's bundle as it was.
 */
export function isRelease(op: Op, bundle: BundleRef | undefined): boolean {
  return op === Op.updated && bundle === RELEASED_BUNDLE;
}
