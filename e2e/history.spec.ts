import { expect, test } from './fixtures.js';
import { expectTable, NO_DROPS, readDrops } from './panel.js';
import './page-api.js';

test('a panel opened after the events shows everything since the page loaded', async (
  { page, pageUrl, tabIdOf, openPanel, collectGarbage },
) => {
  await page.goto(pageUrl());
  await page.evaluate(() => {
    window.create('Widget', 6);
    window.create('Store', 2);
    window.setBundle('Store', 0, { items: 3 });
    window.drop('Widget', 4);
  });
  // Wait until the page itself has seen the retirements, so they happened before the panel.
  await expect
    .poll(async () => {
      await collectGarbage(page);
      return page.evaluate(() => window.localCounts()['Widget']);
    })
    .toEqual({ live: 2, retired: 4 });

  const expected = {
    Widget: { live: 2, created: 6, retired: 4 },
    Store: { live: 2, created: 2, retired: 0 },
  };
  const tabId = await tabIdOf(page);
  const panel = await openPanel(tabId);
  await expectTable(panel, expected);
  expect(await readDrops(panel)).toEqual(NO_DROPS);

  // A second, later panel gets the same history, and both then follow new events.
  const second = await openPanel(tabId);
  await expectTable(second, expected);
  await page.evaluate(() => window.create('Subscription', 2));
  const after = { ...expected, Subscription: { live: 2, created: 2, retired: 0 } };
  await expectTable(panel, after);
  await expectTable(second, after);
});
