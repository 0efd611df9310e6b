// README's Layout is the map of the repository: every path it names exists, and every directory
// holding tracked files is named, so a new folder cannot land without its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The paths the Layout block names: one per line, nested by two spaces of indentation. */
function layoutPaths(readme: string): string[] {
  const section = readme.slice(readme.indexOf('## Layout'));
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'README has a Layout section with a ``` block');
  const parents: string[] = [];
  const paths: string[] = [];
  for (const line of block.split('\n')) {
    const match = /^( *)(\S+)/.exec(line);
    if (match === null) continue;
    const depth = match[1]!.length / 2;
    const path = parents.slice(0, depth).join('') + match[2]!;
    parents[depth] = match[2]!;
    parents.length = depth + 1;
    paths.push(path);
  }
  return paths;
}

test("README's Layout names every directory with tracked files, and only paths that exist", () => {
  const paths = layoutPaths(readFileSync('README.md', 'utf8'));
  for (const path of paths) assert.ok(existsSync(path), `README Layout names ${path}, which does not exist`);
  const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const directories = new Set(files.map((file) => `${dirname(file)}/`).filter((dir) => dir !== './'));
  const named = new Set(paths);
  const missing = [...directories].filter((dir) => !named.has(dir)).sort();
  assert.deepEqual(missing, [], 'directories missing from README Layout');
});
