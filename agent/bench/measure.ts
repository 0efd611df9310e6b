/** Shared helpers for the benchmarks: medians, forced collection, a printed table. */

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
