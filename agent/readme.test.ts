// The README's example must run as written: it is executed against the built package and its
// printed output compared with the `// ` lines that follow each console.log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

test('the README example runs and prints what the README says', () => {
  assert.ok(existsSync('dist/agent/esm/index.js'), 'the agent is not built: run `npm run build` (npm test does)');
  const readme = readFileSync('README.md', 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'README has a ```ts example block');

  const lines = block.split('\n');
  const expected: string[] = [];
  lines.forEach((line, index) => {
    if (!line.startsWith('console.log(')) return;
    for (let next = index + 1; lines[next]?.startsWith('// '); next++) expected.push(lines[next]!.slice(3));
  });
  assert.ok(expected.length >= 2, 'the example documents its output');

  // Inside the package folder, so `import 'trackables'` resolves to this package (self-reference).
  mkdirSync('dist/readme', { recursive: true });
  writeFileSync('dist/readme/example.ts', block);
  const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'dist/readme/example.ts'], { encoding: 'utf8' });
  assert.deepEqual(output.trimEnd().split('\n').map((line) => line.trimEnd()), expected.map((line) => line.trimEnd()));
});
