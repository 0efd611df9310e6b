import { test } from './fixtures.js';
import { expectTable } from './panel.js';
import './page-api.js';

// Uses DevTools internals (see openRealDevToolsPanel): kept to this one smoke test.
test('the Trackables panel in real DevTools shows the inspected page', async (
  { page, pageUrl, openRealDevToolsPanel },
  testInfo,
) => {
  await page.goto(pageUrl());
  await page.evaluate(() => window.create('Widget', 2));
  const { devtools, panel } = await openRealDevToolsPanel(page);
  await expectTable(panel, { Widget: { live: 2, created: 2, retired: 0 } });

  await page.evaluate(() => window.create('Store', 1));
  await expectTable(panel, {
    Widget: { live: 2, created: 2, retired: 0 },
    Store: { live: 1, created: 1, retired: 0 },
  });
  await testInfo.attach('devtools', { body: await devtools.screenshot(), contentType: 'image/png' });
});
