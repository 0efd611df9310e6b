/** Shared helpers for the benchmarks: medians, forced collection, fresh processes, a printed table. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Row {
  what: string;
  value: string;
  /** Ratio against the baseline measured in the same run; null where no baseline applies. */
  ratio: number | null;
  target: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}

/** The median and the middle half (first and third quartiles) of `values`: how far rounds spread. */
export function middleHalf(values: number[]): { median: number; low: number; high: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: median(sorted), low: sorted[Math.floor(sorted.length / 4)] ?? Number.NaN, high: sorted[Math.ceil((3 * sorted.length) / 4) - 1] ?? Number.NaN };
}

/** A full collection, then one task so finalization callbacks of that collection have run. */
export async function gcNow(): Promise<void> {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  globalThis.gc();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

export function printTable(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  console.log(`| what | value | × baseline | target |\n|---|---|---|---|`);
  for (const row of rows) {
    console.log(`| ${row.what} | ${row.value} | ${row.ratio === null ? '' : row.ratio.toFixed(2)} | ${row.target} |`);
  }
}

/**
 * Bytes of heap each of `n` live objects from `make` adds, after full collections on both sides.
 * Only the heap is measured, so the factory call costs nothing here.
 */
export async function bytesPerInstance(make: (i: number) => object, n: number): Promise<number> {
  await gcNow();
  const before = process.memoryUsage().heapUsed;
  const kept = new Array<object>(n);
  for (let i = 0; i < n; i++) kept[i] = make(i);
  await gcNow();
  const after = process.memoryUsage().heapUsed;
  if (kept.length !== n) throw new Error('unreachable');
  return (after - before) / n;
}

/**
 * Destroyed notifications per second: `n` objects from `make` (tracked by whatever tracker the
 * caller set) are dropped, one full collection runs, and the clock stops once `retired()`
 * reports all of them. Only the collection and the callbacks are timed.
 */
export async function destroyedPerSecond(make: (i: number) => object, retired: () => number, n: number): Promise<number> {
  let kept: object[] | null = new Array<object>(n);
  for (let i = 0; i < n; i++) kept[i] = make(i);
  await gcNow();
  // Read it once more: liveness analysis would otherwise let the collection above take it.
  if (kept.length !== n) throw new Error('unreachable');
  kept = null;
  const start = performance.now();
  globalThis.gc!();
  // Finalization callbacks run in later tasks: yield until every instance was reported.
  while (retired() < n) await new Promise((resolve) => setTimeout(resolve, 0));
  return n / ((performance.now() - start) / 1000);
}

/**
 * Runs each of `variants` in `processes` fresh processes of the bench file `script`, alternating,
 * and returns the median of each variant's results.
 */
export function medianOfFreshProcesses(script: string, variants: readonly string[], processes: number): (variant: string) => number {
  const samples = new Map<string, number[]>(variants.map((name) => [name, []]));
  for (let run = 0; run < processes; run++) for (const name of variants) samples.get(name)!.push(inFreshProcess(script, name));
  return (variant) => median(samples.get(variant)!);
}

/**
 * Runs the bench file `script` (its `import.meta.url`) again in a fresh Node process with
 * `variant` as its argument, and returns the number it prints: each variant starts from a
 * clean heap and cold inline caches, whatever ran before it.
 */
function inFreshProcess(script: string, variant: string): number {
  const output = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(script), variant], { encoding: 'utf8' });
  return Number(output.trim());
}
