// The Compare view (two sessions per type, pickers, sorting) and Export all → import round trip.
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { checkRecording } from '../agent/protocol/recording.js';
import type { ExportedRecording } from '../panel/store/export-recording.js';
import { expect, test } from './fixtures.js';
import { expectTable, selectSession, sessionOptions, type PanelTarget, type Table } from './panel.js';
import './page-api.js';

const COMPARE_TABLE = 'table[aria-label="Comparison by type"]';
const COLUMNS = ['deltaLive', 'deltaCreated', 'baselineLive', 'targetLive', 'baselineCreated', 'targetCreated', 'baselineRetired', 'targetRetired', 'baselinePeak', 'targetPeak'] as const;

/** A comparison row: the number cells in COLUMNS order (null for "—", a side without the type), and which side alone has it. */
type CompareRow = { cells: (number | null)[]; only: string | null };

/** The comparison table, type → row, in one read; `order` is the body rows' types top to bottom. */
function readCompare(panel: PanelTarget): Promise<{ rows: Record<string, CompareRow>; order: string[] }> {
  return panel.evaluate(
    ([selector, columns]) => {
      const rows: Record<string, { cells: (number | null)[]; only: string | null }> = {};
      const order: string[] = [];
      for (const row of document.querySelectorAll<HTMLTableRowElement>(`${selector} tbody tr[data-type]`)) {
        const type = row.dataset['type'] ?? '';
        order.push(type);
        const cells = columns.map((column) => {
          const text = (row.querySelector(`td[data-col="${column}"]`)?.textContent ?? '').trim();
          // Anything but an integer or the absent mark is NaN, so an assertion shows it failed.
          return text === '—' ? null : /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
        });
        rows[type] = { cells, only: row.dataset['only'] ?? null };
      }
      return { rows, order };
    },
    [COMPARE_TABLE, COLUMNS] as const,
  );
}

const expectCompare = (panel: PanelTarget, rows: Record<string, CompareRow>, message: string): Promise<void> =>
  expect.poll(async () => (await readCompare(panel)).rows, { message }).toEqual(rows);

const expectOrder = (panel: PanelTarget, order: string[], message: string): Promise<void> =>
  expect.poll(async () => (await readCompare(panel)).order, { message }).toEqual(order);

// Columns: Δ live, Δ created, then live, created, retired, peak in baseline and target.
const FIRST: Table = {
  Widget: { live: 2, created: 3, retired: 1 },
  Store: { live: 1, created: 1, retired: 0 },
  Subscription: { live: 2, created: 2, retired: 0 },
};
const SECOND: Table = {
  Widget: { live: 5, created: 5, retired: 0 },
  Store: { live: 1, created: 1, retired: 0 },
  Marker: { live: 2, created: 2, retired: 0 },
};
const FIRST_TO_SECOND: Record<string, CompareRow> = {
  Widget: { cells: [3, 2, 2, 5, 3, 5, 1, 0, 3, 5], only: null },
  Store: { cells: [0, 0, 1, 1, 1, 1, 0, 0, 1, 1], only: null },
  Subscription: { cells: [-2, -2, 2, null, 2, null, 0, null, 2, null], only: 'baseline' },
  Marker: { cells: [2, 2, null, 2, null, 2, null, 0, null, 2], only: 'target' },
};

/** Two page loads with different counts; resolves once the panel shows the second. */
async function twoLoads(page: Page, panel: Page, collectGarbage: (page: Page) => Promise<void>): Promise<void> {
  await page.evaluate(() => {
    window.create('Widget', 3);
    window.create('Store', 1);
    window.create('Subscription', 2);
    window.drop('Widget', 1);
  });
  await expectTable(panel, FIRST, { before: () => collectGarbage(page) });
  await page.reload();
  await page.evaluate(() => {
    window.create('Widget', 5);
    window.create('Store', 1);
    window.create('Marker', 2);
  });
  await expectTable(panel, SECOND);
}

test('Compare shows per-type deltas of two page loads; pickers, swap, sorting and the filter change it', async (
  { page, pageUrl, tabIdOf, openPanel, collectGarbage },
  testInfo,
) => {
  await page.goto(pageUrl());
  const panel = await openPanel(await tabIdOf(page));
  await twoLoads(page, panel, collectGarbage);
  const [second, first] = await sessionOptions(panel);
  if (first === undefined || second === undefined) throw new Error('two sessions expected');

  await panel.getByRole('tab', { name: 'Compare' }).click();
  // Default: the previous page load against the shown one.
  await expect(panel.getByRole('combobox', { name: 'Baseline' })).toHaveValue(first.value);
  await expect(panel.getByRole('combobox', { name: 'Target' })).toHaveValue(second.value);
  await expectCompare(panel, FIRST_TO_SECOND, 'first load → second load');
  // Sorted by Δ live, most first.
  await expectOrder(panel, ['Widget', 'Marker', 'Store', 'Subscription'], 'by Δ live, descending');
  await expect(panel.locator(`${COMPARE_TABLE} tr[data-type="Marker"]`)).toContainText('only in target');
  await expect(panel.locator(`${COMPARE_TABLE} tr[data-type="Subscription"]`)).toContainText('only in baseline');

  // The same session on both sides: every delta is 0.
  await panel.getByRole('combobox', { name: 'Target' }).selectOption(first.value);
  await expectCompare(
    panel,
    {
      Widget: { cells: [0, 0, 2, 2, 3, 3, 1, 1, 3, 3], only: null },
      Store: { cells: [0, 0, 1, 1, 1, 1, 0, 0, 1, 1], only: null },
      Subscription: { cells: [0, 0, 2, 2, 2, 2, 0, 0, 2, 2], only: null },
    },
    'first load against itself',
  );
  // Baseline second, target first: the deltas reversed.
  await panel.getByRole('combobox', { name: 'Baseline' }).selectOption(second.value);
  await expectCompare(
    panel,
    {
      Widget: { cells: [-3, -2, 5, 2, 5, 3, 0, 1, 5, 3], only: null },
      Store: { cells: [0, 0, 1, 1, 1, 1, 0, 0, 1, 1], only: null },
      Subscription: { cells: [2, 2, null, 2, null, 2, null, 0, null, 2], only: 'target' },
      Marker: { cells: [-2, -2, 2, null, 2, null, 0, null, 2, null], only: 'baseline' },
    },
    'second load → first load',
  );
  await panel.getByRole('button', { name: 'Swap baseline and target' }).click();
  await expectCompare(panel, FIRST_TO_SECOND, 'swapped back');
  await expect(panel.getByRole('combobox', { name: 'Baseline' })).toHaveValue(first.value);

  // Sorting: the Δ live header flips the direction; the keyboard sorts by Δ created.
  const deltaLive = panel.getByRole('columnheader', { name: 'Δ live' });
  await expect(deltaLive).toHaveAttribute('aria-sort', 'descending');
  await deltaLive.getByRole('button').click();
  await expect(deltaLive).toHaveAttribute('aria-sort', 'ascending');
  await expectOrder(panel, ['Subscription', 'Store', 'Marker', 'Widget'], 'by Δ live, ascending');
  await panel.getByRole('button', { name: 'Δ created' }).focus();
  await panel.keyboard.press('Enter');
  await expect(panel.getByRole('columnheader', { name: 'Δ created' })).toHaveAttribute('aria-sort', 'descending');
  await expect(deltaLive).toHaveAttribute('aria-sort', 'none');
  // Ties (Marker and Widget both +2) by name.
  await expectOrder(panel, ['Marker', 'Widget', 'Store', 'Subscription'], 'by Δ created, descending');
  await panel.getByRole('button', { name: 'Live in target' }).click();
  await expectOrder(panel, ['Widget', 'Marker', 'Store', 'Subscription'], 'by live in target, descending (absent counts as 0)');
  // Another tab and back: the sort stays.
  await panel.getByRole('tab', { name: 'Types' }).click();
  await panel.getByRole('tab', { name: 'Compare' }).click();
  await expect(panel.getByRole('columnheader', { name: 'Live in target' })).toHaveAttribute('aria-sort', 'descending');
  await expectOrder(panel, ['Widget', 'Marker', 'Store', 'Subscription'], 'still by live in target after switching tabs');

  // The toolbar's filter applies here too.
  await panel.getByRole('searchbox', { name: 'Filter types' }).fill('s');
  await expectOrder(panel, ['Store', 'Subscription'], 'filtered by "s"');
  await panel.getByRole('searchbox', { name: 'Filter types' }).fill('');

  // A type's live count in both sessions, overlaid from their starts.
  await panel.locator(`${COMPARE_TABLE} tr[data-type="Widget"]`).getByRole('button', { name: 'Widget' }).click();
  await expect(panel.getByRole('img', { name: 'Live count of Widget over time in the baseline and target sessions' }).locator('canvas')).toBeVisible();

  const shot = await panel.screenshot({ path: resolve(import.meta.dirname, '..', 'artifacts', 'compare.png') });
  await testInfo.attach('compare', { body: shot, contentType: 'image/png' });
});

test('Compare with one session says it needs two', async ({ page, pageUrl, tabIdOf, openPanel }) => {
  await page.goto(pageUrl());
  const panel = await openPanel(await tabIdOf(page));
  await page.evaluate(() => window.create('Widget', 1));
  await expectTable(panel, { Widget: { live: 1, created: 1, retired: 0 } });
  await panel.getByRole('tab', { name: 'Compare' }).click();
  await expect(panel.getByTestId('compare-note')).toHaveText(/^Compare needs two sessions/);
});

test('Export all writes every session in one file; importing it lists both apart with their counts', async (
  { page, pageUrl, tabIdOf, openPanel, collectGarbage, context, extensionId },
  testInfo,
) => {
  await page.goto(pageUrl());
  const panel = await openPanel(await tabIdOf(page));
  await twoLoads(page, panel, collectGarbage);
  const listed = await sessionOptions(panel);

  // By keyboard: ArrowDown opens the menu on its first item, ArrowDown again reaches "all".
  const exportButton = panel.getByRole('button', { name: 'Export' });
  await exportButton.focus();
  await panel.keyboard.press('ArrowDown');
  await expect(panel.getByRole('menuitem', { name: 'Export shown session' })).toBeFocused();
  await panel.keyboard.press('ArrowDown');
  await expect(panel.getByRole('menuitem', { name: 'Export all sessions (2)' })).toBeFocused();
  const [download] = await Promise.all([panel.waitForEvent('download'), panel.keyboard.press('Enter')]);
  await expect(panel.getByRole('menu')).toHaveCount(0);
  await expect(exportButton).toBeFocused();
  expect(download.suggestedFilename()).toMatch(/^trackables-127\.0\.0\.1-\d+-\d{4}-\d\d-\d\dT[\d-]+Z-all\.json$/);
  // Read through the blob URL, as in recordings.spec.ts (a saved copy may be deleted under us).
  const text = await panel.evaluate(async (href) => (await fetch(href)).text(), download.url());
  await testInfo.attach(download.suggestedFilename(), { body: text, contentType: 'application/json' });
  const recording = JSON.parse(text) as ExportedRecording;
  const checked = checkRecording(recording);
  expect(checked.ok ? null : checked.reason).toBeNull();
  // Oldest first, one entry per session here (no iframes), each naming its listed session.
  expect(recording.sessions.map((entry) => entry.panelSession)).toEqual(listed.map((option) => option.value).reverse());

  const viewer = await context.newPage();
  await viewer.goto(`chrome-extension://${extensionId}/viewer.html`);
  await viewer.locator('[data-testid="import-file"]').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(viewer.getByTestId('session-count')).toHaveText('2 sessions');
  const imported = await sessionOptions(viewer);
  expect(imported.map((option) => option.label.startsWith('imported: '))).toEqual([true, true]);
  // The newest is shown, with the second load's counts; the other has the first load's.
  await expectTable(viewer, SECOND, { columns: ['live', 'created', 'retired'] });
  await selectSession(viewer, (option) => !option.selected);
  await expectTable(viewer, FIRST);
  // And the imported pair compares as the live one did.
  await viewer.getByRole('tab', { name: 'Compare' }).click();
  await viewer.getByRole('combobox', { name: 'Target' }).selectOption(imported[0]!.value);
  await viewer.getByRole('combobox', { name: 'Baseline' }).selectOption(imported[1]!.value);
  await expectCompare(viewer, FIRST_TO_SECOND, 'imported first load → imported second load');
});
