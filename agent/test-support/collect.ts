import { setTimeout as nextTask } from 'node:timers/promises';

export interface CollectOptions {
  /** Give up after this long; collection of a small heap takes milliseconds, so this is generous. */
  timeoutMs?: number;
  /** Names what was awaited in the failure message. */
  what?: string;
}

function forceGc(): void {
  if (typeof globalThis.gc !== 'function') {
    throw new Error('collectUntil needs globalThis.gc: run node with --expose-gc (scripts/unit.mjs does).');
  }
  globalThis.gc();
}

/**
 * Forces full collections until `condition()` holds. A WeakRef target stays alive until the end
 * of the job that created or dereferenced it (so a condition calling `deref()` would keep it
 * alive through a GC in the same job), and finalization callbacks run in a task after the
 * collection: every round yields a macrotask between checking and collecting.
 */
export async function collectUntil(condition: () => boolean, { timeoutMs = 10_000, what }: CollectOptions = {}): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let rounds = 0;
  for (;;) {
    if (condition()) return;
    if (performance.now() > deadline) {
      throw new Error(`collectUntil: ${what ?? 'the condition'} still did not hold after ${rounds} forced GCs in ${timeoutMs} ms`);
    }
    await nextTask(0);
    forceGc();
    rounds++;
  }
}

/** Resolves once `ref`'s target has been collected (it must not be reachable any more). */
export function collected(ref: WeakRef<object>, what = 'the object'): Promise<void> {
  return collectUntil(() => ref.deref() === undefined, { what: `${what} to be collected` });
}

/**
 * Forces collections and yields tasks for a while, for asserting that something does NOT
 * happen: pending finalization callbacks have had every chance to run afterwards.
 */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    forceGc();
    await nextTask(0);
  }
}
