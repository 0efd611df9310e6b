// `npm run package`'s store zips: named with the version, holding exactly the production build,
// and the Chrome one, unzipped as a user or a store would, loaded into real Chromium where its
// panel counts a page's instances. Also: one version everywhere, package.json's.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { expect, test, type BrowserContext } from '@playwright/test';
import { unzipSync } from 'fflate';
import { extensionIdOf, launchWithExtension, openHarnessPage, openPanel, openTab, startFixtureServer } from './harness.js';
import { REPO, readPackageJson } from './packed-package.js';
import { expectTable } from './panel.js';
import './page-api.js';

const version = readPackageJson(REPO).version;
const dist = join(REPO, 'dist');

/** Every file under `dir`, relative, '/'-separated and sorted. */
function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

function unzip(zip: string, into: string): string[] {
  const entries = unzipSync(readFileSync(zip));
  for (const [name, data] of Object.entries(entries)) {
    if (name.endsWith('/')) continue;
    mkdirSync(dirname(join(into, name)), { recursive: true });
    writeFileSync(join(into, name), data);
  }
  return Object.keys(entries).filter((name) => !name.endsWith('/')).sort();
}

const zipOf = (browser: string) => join(work, 'packages', `trackables-${browser}-${version}.zip`);

let work: string;
/** The files of each zip, by browser, unzipped into `work/<browser>`. */
const zipped = new Map<string, string[]>();
test.beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'trackables-zips-'));
  // The packaging step of `npm run package` (its build step is `npm run build`, already done).
  execFileSync(process.execPath, [join(REPO, 'scripts', 'package.mjs'), '--out', join(work, 'packages')], { cwd: REPO, stdio: 'pipe' });
  for (const browser of ['chrome', 'firefox']) {
    if (existsSync(zipOf(browser))) zipped.set(browser, unzip(zipOf(browser), join(work, browser)));
  }
});
test.afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

test('one version: every built manifest and the agent carry package.json\'s', async () => {
  const builds = readdirSync(dist).filter((name) => existsSync(join(dist, name, 'manifest.json')));
  expect(builds).toContain('extension');
  for (const build of builds) {
    const manifest = JSON.parse(readFileSync(join(dist, build, 'manifest.json'), 'utf8')) as { version: string };
    expect(manifest.version, `dist/${build}/manifest.json`).toBe(version);
  }
  const agent = (await import(join(dist, 'agent', 'esm', 'index.js'))) as { VERSION: string };
  expect(agent.VERSION).toBe(version);
});

test('the Chrome zip is named with the version and holds exactly the production build', () => {
  const files = zipped.get('chrome') ?? [];
  expect(files, zipOf('chrome')).toEqual(filesOf(join(dist, 'extension')));
  expect(files).toContain('manifest.json');
  expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
});

test('every file the Chrome manifest names is in the zip; its icons are PNGs of their sizes, 128 px among them', () => {
  const dir = join(work, 'chrome');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    icons?: Record<string, string>;
    background?: { service_worker?: string };
    devtools_page?: string;
    content_scripts?: { js?: string[] }[];
  };
  const named = [
    ...Object.values(manifest.icons ?? {}),
    manifest.background?.service_worker,
    manifest.devtools_page,
    ...(manifest.content_scripts ?? []).flatMap((script) => script.js ?? []),
  ].filter((file): file is string => file !== undefined);
  expect(named.filter((file) => !(zipped.get('chrome') ?? []).includes(file))).toEqual([]);

  expect(Object.keys(manifest.icons ?? {})).toContain('128');
  for (const [size, file] of Object.entries(manifest.icons ?? {})) {
    const png = readFileSync(join(dir, file));
    // The PNG signature, then the IHDR chunk's width and height.
    expect(png.subarray(1, 4).toString('latin1'), file).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)], file).toEqual([Number(size), Number(size)]);
  }
});

test('the Firefox zip, when there is a Firefox build, is named with the version and carries it', () => {
  const build = join(dist, 'extension-firefox');
  test.skip(!existsSync(build), 'no Firefox build in dist/');
  expect(zipped.get('firefox'), zipOf('firefox')).toEqual(filesOf(build));
  expect((JSON.parse(readFileSync(join(work, 'firefox', 'manifest.json'), 'utf8')) as { version: string }).version).toBe(version);
});

test('the unzipped Chrome package loads in Chromium and its panel counts a page\'s instances', async () => {
  const unpacked = join(work, 'chrome');
  const userDataDir = mkdtempSync(join(tmpdir(), 'trackables-zip-profile-'));
  const server = await startFixtureServer();
  let context: BrowserContext | undefined;
  try {
    context = await launchWithExtension(userDataDir, [], unpacked);
    const extensionId = await extensionIdOf(context);
    const harness = await openHarnessPage(context, extensionId);
    expect(await harness.evaluate(() => chrome.runtime.getManifest().version)).toBe(version);

    const { page, tabId } = await openTab(context, harness, `${server.url}/index.html?zip=${Date.now()}`);
    const panel = await openPanel(context, extensionId, tabId);
    await page.evaluate(() => window.create('Widget', 4));
    await expectTable(panel, { Widget: { live: 4, created: 4, retired: 0 } });
  } finally {
    await context?.close();
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
});
