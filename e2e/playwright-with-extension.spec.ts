// trackables/playwright in a browser that also runs the Trackables extension: the extension's
// content script answers the agent first, and the helper must still see every event, agreeing
// with the panel.
import { attachTrackables } from '../agent/playwright/index.js';
import { expect, test } from './fixtures.js';
import { expectTable } from './panel.js';
import './page-api.js';

test('attachTrackables agrees with the panel when the extension is installed too', async ({ page, pageUrl, tabIdOf, openPanel }) => {
  const trackables = await attachTrackables(page);
  await page.goto(pageUrl());
  const panel = await openPanel(await tabIdOf(page));

  await page.evaluate(() => {
    window.create('Widget', 4);
    window.create('Store', 2, { name: 'main' });
    window.drop('Widget', 1);
  });
  await trackables.collectGarbage();

  const expected = {
    Store: { live: 2, created: 2, retired: 0 },
    Widget: { live: 3, created: 4, retired: 1 },
  };
  expect((await trackables.snapshot()).types).toEqual(expected);
  await expectTable(panel, expected);
  await trackables.detach();
});
