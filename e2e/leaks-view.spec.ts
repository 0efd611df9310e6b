import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import './page-api.js';

const collections = async (panel: Page): Promise<number> => {
  const text = (await panel.getByTestId('collections').textContent()) ?? '';
  const match = /^(\d+) collection/.exec(text);
  return match === null ? 0 : Number(match[1]);
};

test('leak suspects ranks a type that grows across collections above one that does not', async (
  { page, pageUrl, tabIdOf, openPanel, collectGarbage },
  testInfo,
) => {
  await page.goto(pageUrl());
  const panel = await openPanel(await tabIdOf(page));
  await page.evaluate(() => window.create('Marker', 1));
  await expect(panel.locator('tr[data-type="Marker"]')).toBeVisible();

  // Keyboard: from the selected tab, the arrow key moves to, and shows, the next one.
  await panel.getByRole('tab', { name: 'Types' }).focus();
  await panel.keyboard.press('ArrowRight');
  await expect(panel.getByRole('tab', { name: 'Timeline' })).toHaveAttribute('aria-selected', 'true');
  await panel.keyboard.press('ArrowRight');
  await expect(panel.getByRole('tab', { name: 'Leak suspects' })).toHaveAttribute('aria-selected', 'true');
  await expect(panel.getByRole('tab', { name: 'Leak suspects' })).toBeFocused();
  await expect(panel.getByTestId('collections')).toContainText('No garbage collection seen yet');

  for (let round = 1; round <= 4; round++) {
    // Each round leaks one Widget and lets one Subscription go: the GC that collects the
    // Subscription is the collection the counts are compared at.
    await page.evaluate(() => {
      window.create('Widget', 1);
      window.create('Subscription', 1);
      window.drop('Subscription', 1);
    });
    await expect.poll(async () => {
      await collectGarbage(page);
      return collections(panel);
    }, { message: `collection ${round} seen by the panel` }).toBe(round);
  }

  const table = panel.getByRole('table', { name: 'Leak suspects' });
  await expect(table.locator('tbody tr')).toHaveCount(3);
  const ranked = await table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => [(row as HTMLElement).dataset['type'], row.querySelector('[data-col="rises"]')?.textContent]),
  );
  expect(ranked).toEqual([
    ['Widget', '3'],
    ['Marker', '0'],
    ['Subscription', '0'],
  ]);
  await expect(table.locator('tr[data-type="Widget"]').getByRole('img')).toHaveAttribute('aria-label', 'Live after each collection: 1, 2, 3, 4');

  const shot = await panel.screenshot({ path: resolve(import.meta.dirname, '..', 'artifacts', 'leak-suspects.png') });
  await testInfo.attach('leak-suspects', { body: shot, contentType: 'image/png' });
});

// Chrome grants "debugger" only at install (it cannot be an optional permission) and the
// extension does not ask for it, so the path tested is the explanation.
test('Collect garbage without the debugger permission explains why and how to collect otherwise', async (
  { page, pageUrl, tabIdOf, openPanel },
) => {
  await page.goto(pageUrl());
  const panel = await openPanel(await tabIdOf(page));
  await page.evaluate(() => window.create('Widget', 1));
  const button = panel.getByRole('button', { name: 'Collect garbage' });
  await button.click();
  const banner = panel.getByRole('alert');
  await expect(banner).toContainText('needs the “debugger” permission');
  await expect(banner).toContainText('started debugging this browser');
  await expect(banner).toContainText('Memory panel');
  await banner.getByRole('button', { name: 'Dismiss' }).click();
  await expect(banner).toHaveCount(0);
});
