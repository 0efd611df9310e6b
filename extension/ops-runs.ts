import { MAX_OPS_LENGTH, type AgentBatch } from '../agent/protocol/messages.js';

/*
 * A batch's `ops` with its runs folded, for the one leg where the page's main thread pays per
 * character: the content script's port to the worker, whose messages Chrome serializes as JSON
 * there (~4 ns per character on this kind of machine, docs/BENCHMARKS.md). Events of a loop repeat
 * themselves: same type and op, consecutive serials, one task's clock reading, so `ops` is one
 * 4-character event thousands of times over. The content script sends such a batch with `opsRuns`
 * in place of `ops`; the worker unfolds it before its check, so from there on (storage, panels,
 * exports) every batch is the agent's, character for character. Content script and worker ship
 * together, so no other reader ever meets the folded form, and the agent's protocol is untouched.
 */

/** `[text, unit, count, text, unit, count, …, text]`: each text as is, each unit (4 characters) `count` times. */
export type FoldedOps = (string | number)[];

/** A batch as the content script sends it when folding pays: `opsRuns` instead of `ops`. */
export type FoldedBatch = { [K in keyof AgentBatch as K extends 'ops' ? never : K]: AgentBatch[K] } & { kind: 'batch'; opsRuns: FoldedOps };

/** Characters per unit: one event of one-digit numbers (docs/protocol.md). */
const UNIT = 4;
/** Characters a probe finds repeating its first unit before the run around it is measured. */
const PROBE = 32;
/** Shorter repeats stay in the text; probes this far apart cannot miss a run this long. */
const MIN_RUN = 128;
const STRIDE = MIN_RUN - PROBE;
/** Characters compared at once while a run is followed: native comparisons, not a loop of ours. */
const FOLLOW = 4_096;

/**
 * `ops` folded, or null when it holds no run of MIN_RUN characters or more. The scan must cost
 * far less than the port's ~4 ns per character it saves, so characters are never visited one by
 * one: a probe every STRIDE characters (a few characters, then one native comparison of a window
 * with itself a unit further on), and a run found is followed in long native comparisons.
 */
export function foldOps(ops: string): FoldedOps | null {
  const length = ops.length;
  let folded: FoldedOps | null = null;
  let textStart = 0;
  let probe = 0;
  while (probe + PROBE <= length) {
    // A few characters first, then the window: most probes outside runs fail at once.
    let same = 0;
    while (same < 8 && ops.charCodeAt(probe + same) === ops.charCodeAt(probe + same + UNIT)) same++;
    if (same < 8 || !repeats(ops, probe, PROBE)) {
      probe += STRIDE;
      continue;
    }
    // ops[start, end) repeats its first unit: widen it backwards (less than a stride), then forwards.
    let start = probe;
    while (start > textStart && ops.charCodeAt(start - 1) === ops.charCodeAt(start - 1 + UNIT)) start--;
    let end = probe + PROBE;
    for (let step = FOLLOW; step > 0; step >>= 1) {
      while (end + step <= length && repeats(ops, end - UNIT, step + UNIT)) end += step;
    }
    const count = Math.floor((end - start) / UNIT);
    if (count * UNIT < MIN_RUN) {
      probe += STRIDE;
      continue;
    }
    (folded ??= []).push(ops.slice(textStart, start), ops.slice(start, start + UNIT), count);
    probe = textStart = start + count * UNIT;
  }
  if (folded === null) return null;
  folded.push(ops.slice(textStart));
  return folded;
}

/**
 * Whether ops[from, from + length) repeats its first unit. Two slices compared with ===: V8
 * compares their characters natively (memcmp), far faster than startsWith or a loop of ours.
 */
function repeats(ops: string, from: number, length: number): boolean {
  return ops.slice(from, from + length - UNIT) === ops.slice(from + UNIT, from + length);
}

/** The `ops` that `folded` stands for, or null when it is not a fold of at most MAX_OPS_LENGTH characters. */
export function unfoldOps(folded: unknown): string | null {
  if (!Array.isArray(folded) || folded.length % 3 !== 1 || folded.length > MAX_OPS_LENGTH / MIN_RUN + 1) return null;
  let length = 0;
  for (let i = 0; i < folded.length; i += 3) {
    const text: unknown = folded[i];
    if (typeof text !== 'string') return null;
    length += text.length;
    if (i + 1 === folded.length) break;
    const unit: unknown = folded[i + 1];
    const count: unknown = folded[i + 2];
    if (typeof unit !== 'string' || unit.length !== UNIT || typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) return null;
    length += count * UNIT;
    // Checked before anything is built: a count can ask for far more than any batch holds.
    if (length > MAX_OPS_LENGTH) return null;
  }
  const parts: string[] = [];
  for (let i = 0; i < folded.length; i += 3) {
    parts.push(folded[i] as string);
    if (i + 1 < folded.length) parts.push((folded[i + 1] as string).repeat(folded[i + 2] as number));
  }
  return parts.join('');
}

/** `batch` to send on the port: folded when its ops hold a run, else itself. */
export function foldBatch(batch: AgentBatch): AgentBatch | FoldedBatch {
  const opsRuns = foldOps(batch.ops);
  if (opsRuns === null) return batch;
  const { ops: _ops, ...rest } = batch;
  return { ...rest, opsRuns };
}

/**
 * What the worker checks: a message from the port as the agent posted it. A folded batch (an
 * object with `opsRuns` and no `ops`) is unfolded; a fold that does not unfold becomes a batch
 * without `ops`, which the check then refuses and counts. Anything else is returned as is.
 */
export function unfoldMessage(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || !('opsRuns' in data) || 'ops' in data) return data;
  const { opsRuns, ...rest } = data as { opsRuns: unknown };
  const ops = unfoldOps(opsRuns);
  return ops === null ? rest : { ...rest, ops };
}
