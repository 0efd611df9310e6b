// `npm run bench`: builds, then runs every benchmark (`*.bench.ts`) in its own Node process.
// Each prints ratios against a baseline measured in the same run; copy the tables into
// docs/BENCHMARKS.md with the date.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const run = (args) => {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run(['scripts/build.mjs']);
const only = process.argv.slice(2);
const benches = ['agent/bench', 'extension/bench', 'panel/bench']
  .flatMap((dir) => {
    try {
      return readdirSync(dir).filter((name) => name.endsWith('.bench.ts')).map((name) => join(dir, name));
    } catch {
      return [];
    }
  })
  .filter((file) => only.length === 0 || only.some((part) => file.includes(part)));
for (const bench of benches) run(['--expose-gc', '--import', 'tsx', bench]);
