import { NO_BUNDLE, OP_NAMES, OP_STRIDE, type AgentBatch, type Op, type OpName } from './messages.js';

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
  for (let i = 0; i < ops.length; i += OP_STRIDE) {
    const typeOp = ops[i]!;
    const bundle = ops[i + 3]!;
    visit((typeOp & 3) as Op, ops[i + 1]!, strings[typeOp >> 2]!, t0 + ops[i + 2]! / 1000, bundle === NO_BUNDLE ? undefined : strings[bundle]);
  }
}

/** The events of a batch as objects: convenient for tests and small batches. */
export function decodeBatch(batch: AgentBatch): LifecycleEvent[] {
  const events: LifecycleEvent[] = [];
  forEachEvent(batch, (op, serial, type, time, bundle) => events.push({ op: OP_NAMES[op], serial, type, time, bundle }));
  return events;
}
