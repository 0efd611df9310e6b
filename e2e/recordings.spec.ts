// Recordings in the panel: export a session, import it into the viewer (and the panel), errors
// for files it cannot read, and recordings written by trackables/playwright.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { attachTrackables } from '../agent/playwright/index.js';
import { checkRecording } from '../agent/protocol/recording.js';
import { expect, test } from './fixtures.js';
import { expectTable, NO_DROPS, readDrops, selectSession, sessionOptions, TABLE, type Table } from './panel.js';
import './page-api.js';

const IMPORT_FILE = '[data-testid="import-file"]';
const IMPORT_ERROR = '[data-testid="import-error"]';

async function openViewer(context: BrowserContext, extensionId: string): Promise<Page> {
  const viewer = await context.newPage();
  await viewer.goto(`chrome-extension://${extensionId}/viewer.html`);
  await expect(viewer.getByRole('heading', { name: 'No recording opened' })).toBeVisible();
  return viewer;
}

function importText(target: Page, name: string, text: string): Promise<void> {
  return target.locator(IMPORT_FILE).setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

/** Drops a file on the panel as a drag from the desktop would. */
async function dropFile(target: Page, name: string, text: string): Promise<void> {
  const dataTransfer = await target.evaluateHandle(
    ([fileName, content]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], fileName, { type: 'application/json' }));
      return transfer;
    },
    [name, text] as const,
  );
  await target.dispatchEvent('.app', 'dragover', { dataTransfer });
  await target.dispatchEvent('.app', 'drop', { dataTransfer });
}

test('an exported session imports into the viewer and the panel with the same table', async (
  { page, pageUrl, tabIdOf, openPanel, collectGarbage, context, extensionId },
  testInfo,
) => {
  const url = pageUrl();
  await page.goto(url);
  const panel = await openPanel(await tabIdOf(page));
  await page.evaluate(() => {
    window.create('Widget', 5);
    window.create('Store', 2, { name: 'main' });
    window.drop('Widget', 3);
  });
  const expected: Table = {
    Widget: { live: 2, created: 5, retired: 3, peak: 5 },
    Store: { live: 2, created: 2, retired: 0, peak: 2 },
  };
  const columns = ['live', 'created', 'retired', 'peak'] as const;
  await expectTable(panel, expected, { columns, before: () => collectGarbage(page) });

  await panel.getByRole('button', { name: 'Export' }).click();
  const [download] = await Promise.all([panel.waitForEvent('download'), panel.getByRole('menuitem', { name: 'Export shown session' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^trackables-127\.0\.0\.1-\d+-\d{4}-\d\d-\d\dT[\d-]+Z\.json$/);
  // Read through the download's blob URL, not download.saveAs: the real-DevTools tests' second
  // CDP connection (harness.ts) redirects the browser's downloads into its own temporary folder,
  // deleted when it closes, so Playwright's copy of the file may be gone.
  const text = await panel.evaluate(async (href) => (await fetch(href)).text(), download.url());
  const file = testInfo.outputPath(download.suggestedFilename());
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  const checked = checkRecording(JSON.parse(text));
  expect(checked.ok ? null : checked.reason).toBeNull();

  const viewer = await openViewer(context, extensionId);
  await viewer.locator(IMPORT_FILE).setInputFiles(file);
  await expectTable(viewer, expected, { columns, drops: NO_DROPS });
  const [option] = await sessionOptions(viewer);
  expect(option?.label.startsWith(`imported: ${url} — `)).toBe(true);
  await expect(viewer.getByTestId('status')).toContainText('Viewer: no live connection');

  // In the live panel, the import is one more session; the live one goes on unchanged.
  await panel.locator(IMPORT_FILE).setInputFiles(file);
  await expect(panel.getByTestId('session-count')).toHaveText('2 sessions');
  expect((await sessionOptions(panel)).find((session) => session.selected)?.label).toMatch(/^imported: /);
  await expectTable(panel, expected, { columns });
  await page.evaluate(() => window.create('Store', 1));
  await selectSession(panel, (session) => !session.label.startsWith('imported: '));
  await expectTable(panel, { ...expected, Store: { live: 3, created: 3, retired: 0, peak: 3 } }, { columns });
  await selectSession(panel, (session) => session.label.startsWith('imported: '));
  await expectTable(panel, expected, { columns });
});

test('a broken file, another version, or not a recording shows why, and keeps what was open', async ({ context, extensionId }) => {
  const viewer = await openViewer(context, extensionId);
  await importText(viewer, 'broken.json', '{"format": "trackables-recording",');
  await expect(viewer.locator(IMPORT_ERROR)).toHaveText(/^Broken file: JSON parse error: /);

  const recording = {
    format: 'trackables-recording',
    version: 2,
    createdAt: '2026-11-24T00:00:00.000Z',
    tool: 'e2e',
    sessions: [
      {
        session: 's1',
        frame: 'f1',
        url: 'http://app.test/',
        startedAt: 1_795_000_000_000,
        messages: [
          { source: 'trackables-agent', v: 2, kind: 'hello', session: 's1', frame: 'f1', agent: '0.1.0', url: 'http://app.test/', time: 1_795_000_000_000 },
          // Widget #1 and #2 attached, #1 destroyed (serial back by 1), 5 µs and 4 µs apart.
          { source: 'trackables-agent', v: 2, kind: 'batch', session: 's1', frame: 'f1', seq: 1, t0: 1_795_000_000_001, dropped: 0, events: 3, strings: ['Widget'], ops: '#$##' + '#$(#' + "*$'#" },
        ],
      },
    ],
  };
  const expected = { Widget: { live: 1, created: 2, retired: 1 } };
  // Dropped on the page rather than picked: both ways import, and a success clears the error.
  await dropFile(viewer, 'good.json', JSON.stringify(recording));
  await expect(viewer.locator(IMPORT_ERROR)).toHaveCount(0);
  await expectTable(viewer, expected);

  await importText(viewer, 'v1.json', JSON.stringify({ ...recording, version: 1 }));
  await expect(viewer.locator(IMPORT_ERROR)).toHaveText('This file is a Trackables recording of version 1; this panel reads versions 2, 3, 4, 5 (5 is the newest)');
  await importText(viewer, 'other.json', JSON.stringify({ format: 'something-else' }));
  await expect(viewer.locator(IMPORT_ERROR)).toHaveText('Not a Trackables recording: "format" is "something-else", not "trackables-recording"');
  await expectTable(viewer, expected);
  await expect(viewer.getByTestId('session-count')).toHaveText('1 session');

  await viewer.getByRole('button', { name: 'Dismiss import error' }).click();
  await expect(viewer.locator(IMPORT_ERROR)).toHaveCount(0);

  // More sessions than the imported list keeps (an Export all of a full panel can be): the
  // newest are listed, and a notice, not an error, says what was left out.
  const [entry] = recording.sessions;
  const many = {
    ...recording,
    sessions: Array.from({ length: 23 }, (_, i) => ({ ...entry!, panelSession: `p${i}`, startedAt: entry!.startedAt + i * 1_000 })),
  };
  await importText(viewer, 'many.json', JSON.stringify(many));
  await expect(viewer.getByRole('status').getByTestId('import-notice')).toHaveText(
    'The recording many.json holds 23 sessions; the panel lists at most 20 imported: the 20 newest are listed, the 3 older left out',
  );
  await expect(viewer.locator(IMPORT_ERROR)).toHaveCount(0);
  await expect(viewer.getByTestId('session-count')).toHaveText('20 sessions');
  await expectTable(viewer, expected);
  await viewer.getByRole('button', { name: 'Dismiss import notice' }).click();
  await expect(viewer.getByTestId('import-notice')).toHaveCount(0);
});

test('a recording made with attachTrackables(page).record() shows the same counts in the viewer', async (
  { page, pageUrl, context, extensionId },
) => {
  const trackables = await attachTrackables(page);
  const recorder = trackables.record();
  await page.goto(pageUrl());
  await page.evaluate(() => {
    window.create('Widget', 4);
    window.create('Subscription', 3, { topic: 'news' });
    window.drop('Subscription', 2);
  });
  await expect
    .poll(async () => {
      await trackables.collectGarbage();
      return (await trackables.snapshot()).types['Subscription']?.retired;
    })
    .toBe(2);
  const recording = await recorder.stop();
  const { types } = await trackables.snapshot();
  await trackables.detach();
  expect(types).toEqual({
    Widget: { live: 4, created: 4, retired: 0 },
    Subscription: { live: 1, created: 3, retired: 2 },
  });

  const viewer = await openViewer(context, extensionId);
  await importText(viewer, 'playwright.json', JSON.stringify(recording));
  await expectTable(viewer, types, { drops: NO_DROPS });
  expect(await readDrops(viewer)).toEqual(NO_DROPS);

  const artifacts = resolve(import.meta.dirname, '..', 'artifacts');
  mkdirSync(artifacts, { recursive: true });
  await expect(viewer.locator(TABLE)).toBeVisible();
  await viewer.screenshot({ path: resolve(artifacts, 'viewer.png') });
});
