import { resolve } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { AXIS_HEIGHT, LINE_PITCH } from '../panel/views/timeline/timeline-draw.js';
import { expect, test } from './fixtures.js';
import { expectTable } from './panel.js';
import './page-api.js';

interface VisibleLine {
  line: number;
  type: string;
  serial: number;
  created: string;
  detached: string;
  destroyed: string;
  bundle: string;
}

/** The timeline's text alternative: the instance lines in view. */
function visibleLines(panel: Page): Promise<VisibleLine[]> {
  return panel.getByRole('table', { name: 'Visible lifelines' }).locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => {
      const cell = (col: string): string => row.querySelector(`[data-col="${col}"]`)?.textContent ?? '';
      const data = (row as HTMLElement).dataset;
      return {
        line: Number(data['line']),
        type: data['type'] ?? '',
        serial: Number(data['serial']),
        created: cell('created'),
        detached: cell('detached'),
        destroyed: cell('destroyed'),
        bundle: cell('bundle'),
      };
    }),
  );
}

/** The visible time range the canvas reports, ms from the session start. */
async function range(canvas: Locator): Promise<{ start: number; end: number }> {
  const { start, end } = await canvas.evaluate((element) => ({ ...(element as HTMLElement).dataset }));
  return { start: Number(start), end: Number(end) };
}

/**
 * The visible range once `act` changed it: the canvas writes its range when it draws, on the
 * next animation frame, so reading right after a key press could see the one before.
 */
async function rangeAfter(canvas: Locator, act: () => Promise<void>): Promise<{ start: number; end: number }> {
  const before = await range(canvas);
  await act();
  await expect.poll(async () => {
    const now = await range(canvas);
    return now.start !== before.start || now.end !== before.end;
  }).toBe(true);
  return range(canvas);
}

/** The middle of a line, in page coordinates, `fraction` of the way across the canvas. */
async function pointAt(canvas: Locator, line: number, fraction = 0.6): Promise<{ x: number; y: number }> {
  const box = (await canvas.boundingBox())!;
  return { x: box.x + box.width * fraction, y: box.y + AXIS_HEIGHT + line * LINE_PITCH + LINE_PITCH / 2 };
}

async function hoverLine(panel: Page, canvas: Locator, line: number): Promise<void> {
  const { x, y } = await pointAt(canvas, line);
  await panel.mouse.move(x, y);
}

test('the timeline shows a lifeline per instance: hover, select, zoom, pan, filter', async (
  { page, pageUrl, tabIdOf, openPanel, collectGarbage },
  testInfo,
) => {
  await page.goto(pageUrl());
  const panel = await openPanel(await tabIdOf(page));
  await page.evaluate(() => {
    window.create('Widget', 3);
    window.create('Store', 2, { name: 'main', items: [1, 2] });
    window.setBundle('Store', 0, { name: 'renamed', items: [1, 2, 3] });
    window.create('Subscription', 2);
    // Detached: the app let go of its tracker; no collection will be reported for it.
    (window as unknown as { kept: Record<string, { setTracker(tracker: null): void }[]> }).kept['Subscription']![0]!.setTracker(null);
    window.drop('Widget', 1);
  });
  await expectTable(
    panel,
    { Widget: { live: 2, created: 3, retired: 1 }, Store: { live: 2, created: 2, retired: 0 }, Subscription: { live: 1, created: 2, retired: 0 } },
    { before: () => collectGarbage(page) },
  );

  await panel.getByRole('tab', { name: 'Timeline' }).click();
  await expect(panel.getByTestId('timeline-summary')).toHaveText('7 instances of 3 types');
  const canvas = panel.getByRole('application', { name: 'Lifelines by type and serial' });

  // Grouped by type in order of appearance, each group ordered by serial; a header line per type.
  await expect.poll(async () => (await visibleLines(panel)).map(({ line, type }) => [line, type])).toEqual([
    [1, 'Widget'], [2, 'Widget'], [3, 'Widget'],
    [5, 'Store'], [6, 'Store'],
    [8, 'Subscription'], [9, 'Subscription'],
  ]);
  const lines = await visibleLines(panel);
  const serials = lines.map((line) => line.serial);
  expect(serials).toEqual([...serials].sort((a, b) => a - b));
  const [widget, , , store, , subscription] = lines as [VisibleLine, VisibleLine, VisibleLine, VisibleLine, VisibleLine, VisibleLine];
  // The dropped Widget was collected; the detached Subscription is detached, not reported collected.
  expect(widget.destroyed).toMatch(/^\+\d+\.\d{3} s \(\d\d:\d\d:\d\d\.\d{3}\)$/);
  expect(lines.filter((line) => line.destroyed !== '').map((line) => line.serial)).toEqual([widget.serial]);
  expect(subscription.detached).toMatch(/^\+\d+\.\d{3} s/);
  expect(subscription.destroyed).toBe('');
  expect(store.bundle).toBe('{name: "renamed", items: [1, 2, 3]}');

  // Hover: a tooltip with the instance's serial, type, times and current bundle.
  const tooltip = panel.getByRole('tooltip');
  await hoverLine(panel, canvas, store.line);
  await expect(tooltip.locator('strong')).toHaveText(`Store #${store.serial}`);
  await expect(tooltip.locator('[data-field="bundle"]')).toHaveText('{name: "renamed", items: [1, 2, 3]}');
  await expect(tooltip.locator('[data-field="created"]')).toHaveText(store.created);
  await hoverLine(panel, canvas, widget.line);
  await expect(tooltip.locator('strong')).toHaveText(`Widget #${widget.serial}`);
  await expect(tooltip.locator('[data-field="destroyed"]')).toHaveText(widget.destroyed);

  // Click selects: the bundle inspector beside the timeline shows it.
  const inspector = panel.getByRole('region', { name: 'Bundle inspector' });
  const storePoint = await pointAt(canvas, store.line);
  await panel.mouse.click(storePoint.x, storePoint.y);
  await expect(inspector.getByRole('heading', { level: 2 })).toHaveText(`Store #${store.serial}`);
  await expect(inspector.getByTestId('bundle-tree')).toContainText('name: "renamed"');

  // Keyboard: the cursor starts on the clicked line; down past the Subscription header reaches
  // the first Subscription, Enter selects it.
  await canvas.focus();
  await panel.keyboard.press('ArrowDown');
  await panel.keyboard.press('ArrowDown');
  await panel.keyboard.press('ArrowDown');
  await panel.keyboard.press('Enter');
  await expect(inspector.getByRole('heading', { level: 2 })).toHaveText(new RegExp(`^Subscription #${subscription.serial} detached`));
  await expect(panel.getByRole('region', { name: 'Timeline' }).locator('[aria-live="polite"]')).toHaveText(`Selected Subscription #${subscription.serial}`);

  // Zoom in with the keyboard (the first zoom stops following the session as it grows).
  const zoomed = await rangeAfter(canvas, () => panel.keyboard.press('+'));
  const closer = await rangeAfter(canvas, () => panel.keyboard.press('+'));
  // Spans are differences of epoch milliseconds (~1.8e12), where a double resolves ~0.0002 ms:
  // compare to 0.005 ms, not 0.0005, or float noise fails the test now and then.
  expect(closer.end - closer.start).toBeCloseTo((zoomed.end - zoomed.start) / 2, 2);
  // Pan right: the same span, later.
  const panned = await rangeAfter(canvas, () => panel.keyboard.press('ArrowRight'));
  expect(panned.start).toBeGreaterThan(closer.start);
  expect(panned.end - panned.start).toBeCloseTo(closer.end - closer.start, 2);
  // Ctrl+wheel zooms around the pointer; a drag pans back.
  const middle = await pointAt(canvas, 0, 0.5);
  await panel.mouse.move(middle.x, middle.y);
  await panel.keyboard.down('Control');
  await panel.mouse.wheel(0, -200);
  await panel.keyboard.up('Control');
  await expect.poll(async () => { const r = await range(canvas); return r.end - r.start; }).toBeLessThan(panned.end - panned.start);
  const wheeled = await range(canvas);
  await panel.mouse.move(middle.x, middle.y);
  await panel.mouse.down();
  await panel.mouse.move(middle.x + 100, middle.y, { steps: 5 });
  await panel.mouse.up();
  await expect.poll(async () => (await range(canvas)).start).toBeLessThan(wheeled.start);
  // 0 fits the whole session again.
  await canvas.focus();
  await panel.keyboard.press('0');
  await expect.poll(async () => (await range(canvas)).start).toBe(0);

  // The toolbar's filter narrows the types.
  await panel.getByRole('searchbox', { name: 'Filter types' }).fill('stor');
  await expect(panel.getByTestId('timeline-summary')).toHaveText('2 instances of 1 type');
  await expect.poll(async () => (await visibleLines(panel)).map(({ type, serial }) => [type, serial])).toEqual([
    ['Store', store.serial], ['Store', store.serial + 1],
  ]);
  await panel.getByRole('searchbox', { name: 'Filter types' }).fill('');

  // A busier picture for the screenshot: Widgets made over several batches, most let go.
  for (let round = 1; round <= 4; round++) {
    await page.evaluate((round) => {
      window.create('Widget', 3, { round });
      window.setBundle('Widget', 2, { round, touched: true });
      window.drop('Widget', 2);
    }, round);
    await expect(panel.getByTestId('timeline-summary')).toHaveText(`${7 + round * 3} instances of 3 types`);
  }
  await expect.poll(async () => {
    await collectGarbage(page);
    return (await visibleLines(panel)).filter((line) => line.destroyed !== '').length;
  }).toBe(9);
  const file = resolve(import.meta.dirname, '..', 'artifacts', 'timeline.png');
  const storeNow = (await visibleLines(panel)).find((line) => line.serial === store.serial)!;
  await hoverLine(panel, canvas, storeNow.line);
  await expect(tooltip).toBeVisible();
  const shot = await panel.screenshot({ path: file });
  await testInfo.attach('timeline', { body: shot, contentType: 'image/png' });
});

test('collapsing a type from the keyboard hides its lines', async ({ page, pageUrl, tabIdOf, openPanel }) => {
  await page.goto(pageUrl());
  const panel = await openPanel(await tabIdOf(page));
  await page.evaluate(() => {
    window.create('Widget', 2);
    window.create('Store', 1);
  });
  await expect(panel.locator('tr[data-type="Store"]')).toBeVisible();
  await panel.getByRole('tab', { name: 'Timeline' }).click();
  const canvas = panel.getByRole('application', { name: 'Lifelines by type and serial' });
  await expect.poll(async () => (await visibleLines(panel)).map(({ type }) => type)).toEqual(['Widget', 'Widget', 'Store']);
  // Focus puts the cursor on the first line in view: the Widget header.
  await canvas.focus();
  await expect(panel.getByRole('region', { name: 'Timeline' }).locator('[aria-live="polite"]')).toHaveText('Widget: 2 instances, expanded');
  await panel.keyboard.press('Enter');
  await expect.poll(async () => (await visibleLines(panel)).map(({ line, type }) => [line, type])).toEqual([[2, 'Store']]);
  await panel.keyboard.press('Enter');
  await expect.poll(async () => (await visibleLines(panel)).map(({ type }) => type)).toEqual(['Widget', 'Widget', 'Store']);
});
