import { RELEASED_BUNDLE } from './bundle-preview.js';
import { DIGIT_BASE, LAST_DIGIT, MORE_DIGIT, Op, OP_NAMES, type AgentBatch, type OpName } from './messages.js';

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
  const { ops, strings, t0 } = batch;
  const length = ops.length;
  let at = 0;
  let serial = 0;
  let offset = 0;
  // The four numbers of an event, inlined: a closure per number halves the decoding rate. Digit
  // values are added in parentheses: `n * 32 + c` alone could pass 2^53 and round.
  while (at < length) {
    let head = 0;
    let c = ops.charCodeAt(at++);
    for (; c >= MORE_DIGIT; c = ops.charCodeAt(at++)) head = head * DIGIT_BASE + (c - MORE_DIGIT);
    head = head * DIGIT_BASE + (c - LAST_DIGIT);
    let step = 0;
    for (c = ops.charCodeAt(at++); c >= MORE_DIGIT; c = ops.charCodeAt(at++)) step = step * DIGIT_BASE + (c - MORE_DIGIT);
    step = step * DIGIT_BASE + (c - LAST_DIGIT);
    serial += head & 4 ? -step : step;
    step = 0;
    for (c = ops.charCodeAt(at++); c >= MORE_DIGIT; c = ops.charCodeAt(at++)) step = step * DIGIT_BASE + (c - MORE_DIGIT);
    offset += step * DIGIT_BASE + (c - LAST_DIGIT);
    let bundle = 0;
    for (c = ops.charCodeAt(at++); c >= MORE_DIGIT; c = ops.charCodeAt(at++)) bundle = bundle * DIGIT_BASE + (c - MORE_DIGIT);
    bundle = bundle * DIGIT_BASE + (c - LAST_DIGIT);
    // head < 8 × MAX_STRINGS_PER_BATCH (validated), so bit operators are exact.
    visit((head & 3) as Op, serial, strings[head >> 3]!, t0 + offset / 1000, bundle === 0 ? undefined : strings[bundle - 1]);
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
export function isRelease(op: Op, bundle: string | undefined): boolean {
  return op === Op.updated && bundle === RELEASED_BUNDLE;
}
