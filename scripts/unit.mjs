// Runs every unit test (`*.test.ts` beside the code it tests) with Node's test runner.
// --expose-gc lets tests force collection (destroyed notifications need a full GC).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') || entry.name.endsWith('.test.tsx') ? [path] : [];
  });
}

const files = ['agent', 'extension', 'panel', 'examples'].flatMap(testFiles).sort();
const only = process.argv.slice(2);
const selected = only.length ? files.filter((file) => only.some((part) => file.includes(part))) : files;
const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--test', ...selected], { stdio: 'inherit' });
process.exit(result.status ?? 1);
