import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { VERSION, version } from './version.js';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

test('VERSION equals package.json version', () => {
  assert.equal(VERSION, packageJson.version);
});

test('version() is major * 100 + minor of the package version (pytracker test_version)', () => {
  const match = /^(\d+)\.(\d+)\.\d+/.exec(packageJson.version);
  assert.ok(match, `package.json version ${packageJson.version} is not semver`);
  assert.equal(version(), Number(match[1]) * 100 + Number(match[2]));
  assert.ok(Number.isInteger(version()));
});

test('the source manifest has no version of its own: the build writes package.json\'s into every built one', () => {
  const manifest = JSON.parse(readFileSync(new URL('../extension/manifest.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  assert.equal(manifest['version'], undefined);
});
