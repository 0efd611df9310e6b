import { test } from './fixtures.js';
import { expectTable } from './panel.js';
import './page-api.js';

// Each panel must end up with exactly its own tab's counts. "Nothing else arrived" is only final
// once everything that could have been misrouted has been routed: a Marker created after a
// tab's events reaches its panel after them (one port, in order), so markers serve as barriers.
test("no event of one tab reaches another tab's panel", async ({ page, newTab, pageUrl, tabIdOf, openPanel }) => {
  const other = await newTab();
  await page.goto(pageUrl());
  await other.goto(pageUrl());
  const panelA = await openPanel(await tabIdOf(page));
  const panelB = await openPanel(await tabIdOf(other));

  // 1. All of tab A's events are routed once its panel shows its Marker.
  await page.evaluate(() => {
    window.create('Widget', 3);
    window.create('Marker', 1);
  });
  await expectTable(panelA, {
    Widget: { live: 3, created: 3, retired: 0 },
    Marker: { live: 1, created: 1, retired: 0 },
  });

  // 2. Tab B's events come after: anything of A's sent to B's panel would have arrived before B's Marker.
  await other.evaluate(() => {
    window.create('Widget', 5);
    window.create('Store', 2);
    window.create('Marker', 1);
  });
  await expectTable(panelB, {
    Widget: { live: 5, created: 5, retired: 0 },
    Store: { live: 2, created: 2, retired: 0 },
    Marker: { live: 1, created: 1, retired: 0 },
  });

  // 3. And anything of B's sent to A's panel would have arrived before A's second Marker.
  await page.evaluate(() => window.create('Marker', 1));
  await expectTable(panelA, {
    Widget: { live: 3, created: 3, retired: 0 },
    Marker: { live: 2, created: 2, retired: 0 },
  });
});
