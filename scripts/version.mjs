// package.json's "version" is the one place the version is written. The build copies it into
// agent/version.ts (the agent's VERSION, compiled by tsc, so it must exist in the source) and
// webpack.config.js into every built manifest. `npm version <x>` runs this file as its "version"
// lifecycle script, so the bump commit carries agent/version.ts too.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The version in package.json. */
export function packageVersion() {
  return JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version;
}

const VERSION_LINE = /^export const VERSION = '[^']*';$/m;

/** Rewrites agent/version.ts's VERSION to package.json's when they differ; returns the version. */
export function syncVersion() {
  const version = packageVersion();
  const file = `${root}agent/version.ts`;
  const source = readFileSync(file, 'utf8');
  if (!VERSION_LINE.test(source)) throw new Error(`${file}: no \`export const VERSION = '…';\` line to update`);
  const updated = source.replace(VERSION_LINE, `export const VERSION = '${version}';`);
  if (updated !== source) {
    writeFileSync(file, updated);
    console.log(`agent/version.ts: VERSION = '${version}' (from package.json)`);
  }
  return version;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) syncVersion();
