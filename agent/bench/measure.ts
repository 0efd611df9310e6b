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
 * Runs the bench file `script` (its `import.meta.url`) again in a fresh Node process with
 * `variant` as its argument, and returns the number it prints: each variant starts from a
 * clean heap and cold inline caches, whatever ran before it.
 */
export function inFreshProcess(script: string, variant: string): number {
  const output = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(script), variant], { encoding: 'utf8' });
  return Number(output.trim());
}
