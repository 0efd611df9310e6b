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

test('CHANGELOG.md has a section for the package version (keep-a-changelog: "## [x.y.z] - date")', () => {
  const changelog = readFileSync(new URL('../CHANGELOG.md', import.meta.url), 'utf8');
  const escaped = packageJson.version.replaceAll('.', '\\.');
  assert.match(changelog, new RegExp(`^## \\[${escaped}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
});
