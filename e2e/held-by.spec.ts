// Retainer paths in recordings (format 3): `npm run record -- <url> --why` writes them, the
// standalone viewer shows them under "Held by" for the selected instance and in Leak suspects
// for detached-but-alive ones, version 2 files still import, and the live panel says why it
// cannot have them and what to run instead.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { expect, type Page } from '@playwright/test';
import { attachTrackables } from '../agent/playwright/index.js';
import { recordRetainers } from '../agent/playwright/heap/record-retainers.js';
import { checkRecording, RECORDING_VERSION } from '../agent/protocol/recording.js';
import { startStaticServer } from '../scripts/static-server.js';
import { test as extensionTest } from './fixtures.js';
import './page-api.js';
import { openInViewer, shiftBack } from './recording-viewer.js';
import { plainBrowserTest } from './plain-browser.js';

const run = promisify(execFile);

const test = plainBrowserTest.extend<object, { origin: string }>({
  origin: [
    async ({}, use) => {
      const server = await startStaticServer({ '/demo/': 'dist/demo', '/': 'e2e/pages', '/agent/': 'dist/agent' });
      await use(server.url);
      await server.close();
    },
    { scope: 'worker' },
  ],
});

const inspectorOf = (page: Page) => page.getByRole('region', { name: 'Bundle inspector' });

async function selectInstance(page: Page, type: string, serial: number): Promise<void> {
  await page.getByRole('button', { name: type, exact: true }).click();
  await page.getByRole('region', { name: `Live instances of ${type}` }).locator(`button[data-serial="${serial}"]`).click();
  await expect(inspectorOf(page).getByRole('heading', { level: 2 })).toContainText(`${type} #${serial}`);
}

test('npm run record --why writes retainer paths for the instances alive at the end (format 3 on)', async ({ origin }) => {
  const out = join(test.info().outputPath(), 'why.json');
  mkdirSync(dirname(out), { recursive: true });
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/record.ts', `${origin}/demo/?leak`, '--seconds', '1', '--out', out, '--why']);
  // The React part's useTrackable objects are found like the Trackables.
  expect(stdout).toContain('Retainer paths: 6 instance(s) still alive.');
  const checked = checkRecording(JSON.parse(readFileSync(out, 'utf8')));
  if (!checked.ok) throw new Error(checked.reason);
  expect(checked.message.version).toBe(RECORDING_VERSION);
  const retainers = checked.message.sessions[0]!.retainers!;
  expect(retainers.map((retainer) => retainer.type).sort()).toEqual(['EventBus', 'ReactPanel', 'Subscription', 'TodoStore', 'TodoView', 'WindowWidth']);
  expect(retainers.find((retainer) => retainer.type === 'WindowWidth')!.status).toBe('alive');
  const view = retainers.find((retainer) => retainer.type === 'TodoView')!;
  expect(view.status).toBe('alive');
  // The demo keeps its state in module variables reached from window.demo's functions.
  expect(view.steps[0]).toMatchObject({ holder: 'Window', edge: 'demo', kind: 'property' });
  expect(view.steps.at(-1)!.kind).toBe('closure-variable');
});

test('the viewer shows Held by for the selected instance and in Leak suspects for detached-but-alive ones', async ({ page, origin }) => {
  const app = await page.context().newPage();
  const trackables = await attachTrackables(app);
  const recorder = trackables.record();
  await app.goto(`${origin}/retainers/index.html`);
  const call = (name: string) => app.evaluate((name) => (window as unknown as { fixture: Record<string, () => number> }).fixture[name]!(), name);
  const popup = await call('leakPopup');
  const loose = await call('makeLoose');
  await call('detachLoose');
  await trackables.collectGarbage();
  const recording = await recorder.stop();
  expect(await recordRetainers(trackables, recording)).toBe('Retainer paths: 2 instance(s) still alive.');
  await trackables.detach();
  await app.close();
  shiftBack(recording, 60_000);

  const close = await openInViewer(page, recording, test.info().outputPath('held.json'));
  try {
    await selectInstance(page, 'Popup', popup);
    const heldBy = inspectorOf(page).getByRole('region', { name: 'Held by' });
    await expect(heldBy.locator('ol.held-by li')).toHaveText(['Window.__popups[0]']);

    await page.getByRole('tab', { name: 'Leak suspects' }).click();
    const detached = page.getByRole('region', { name: 'Detached but alive' }).locator('li');
    await expect(detached).toHaveCount(1);
    await expect(detached).toContainText(`Loose #${loose}`);
    await expect(detached.locator('.held-by-line')).toHaveText(/^held by Window\.fixture\.\w+/);
  } finally {
    await close();
  }
});

test('recorded paths cover iframes: each frame\'s entry gets its own instances\' paths', async ({ page, origin }) => {
  const trackables = await attachTrackables(page);
  const recorder = trackables.record();
  await page.goto(`${origin}/retainers/framed.html`);
  const frame = page.frame({ name: 'same' })!;
  await frame.waitForFunction(() => 'fixture' in window);
  await page.evaluate(() => (window as unknown as { fixture: { leakPopup(): number } }).fixture.leakPopup());
  const inFrame = await frame.evaluate(() => (window as unknown as { fixture: { leakPopup(): number } }).fixture.leakPopup());
  await expect.poll(() => trackables.sessions().some((info) => !info.mainFrame && info.url.endsWith('/frame.html'))).toBe(true);
  await trackables.collectGarbage();
  const recording = await recorder.stop();
  expect(await recordRetainers(trackables, recording)).toBe('Retainer paths: 2 instance(s) still alive.');
  await trackables.detach();
  const byUrl = Object.fromEntries(recording.sessions.map((entry) => [entry.url.replace(origin, ''), entry.retainers?.map((retainer) => [retainer.type, retainer.serial, retainer.lines])]));
  expect(byUrl).toEqual({
    '/retainers/framed.html': [['Popup', 1, ['Window.__popups[0]']]],
    '/retainers/frame.html': [['FramePopup', inFrame, ['Window.__framePopups[0]']]],
  });
});

test('a version 2 recording still imports; Held by says how to get paths', async ({ page, origin }) => {
  const app = await page.context().newPage();
  const trackables = await attachTrackables(app);
  const recorder = trackables.record();
  await app.goto(`${origin}/retainers/index.html`);
  const popup = await app.evaluate(() => (window as unknown as { fixture: { leakPopup(): number } }).fixture.leakPopup());
  const recording = await recorder.stop();
  await trackables.detach();
  await app.close();
  const old = { ...recording, version: 2 };

  const close = await openInViewer(page, old, test.info().outputPath('v2.json'));
  try {
    await selectInstance(page, 'Popup', popup);
    await expect(inspectorOf(page).getByRole('region', { name: 'Held by' })).toContainText('This recording has no retainer paths. Record with npm run record --');
  } finally {
    await close();
  }
});

extensionTest('the live panel says it cannot take heap snapshots, and gives the command and the Playwright call', async ({ page, pageUrl, tabIdOf, openPanel }) => {
  await page.goto(pageUrl());
  await page.evaluate(() => window.create('Widget', 1));
  const panel = await openPanel(await tabIdOf(page));
  await panel.getByRole('button', { name: 'Widget', exact: true }).click();
  const row = panel.getByRole('region', { name: 'Live instances of Widget' }).locator('button[data-serial]').first();
  const serial = await row.getAttribute('data-serial');
  await row.click();
  const heldBy = panel.getByRole('region', { name: 'Held by' });
  await expect(heldBy).toContainText('Chrome does not let extensions take heap snapshots');
  await expect(heldBy).toContainText(`npm run record -- ${page.url()} --why`);
  await expect(heldBy).toContainText(`await attachTrackables(page).whyAlive([${serial}])`);
});
