import { expect, test } from './fixtures.js';
import { expectTable, selectSession, sessionOptions } from './panel.js';
import './page-api.js';

// Restarts covered elsewhere: the service worker stopped mid-stream (service-worker.spec.ts), the
// page reloaded (reload.spec.ts).

test('DevTools closed and reopened: the panel shows everything, including what came while closed', async ({
  page,
  pageUrl,
  openRealDevToolsPanel,
}) => {
  await page.goto(pageUrl());
  await page.evaluate(() => window.create('Widget', 2));
  const first = await openRealDevToolsPanel(page);
  await expectTable(first.panel, { Widget: { live: 2, created: 2, retired: 0 } });
  await first.close();

  await page.evaluate(() => {
    window.create('Store', 3);
    window.create('Widget', 1);
  });
  const second = await openRealDevToolsPanel(page);
  await expectTable(second.panel, {
    Widget: { live: 3, created: 3, retired: 0 },
    Store: { live: 3, created: 3, retired: 0 },
  });
});

interface NotRestored {
  notRestoredExplanations: { type: string; reason: string }[];
}

// Measured here: Chromium does not restore the page from the back/forward cache. Playwright
// launches it with the cache disabled (BackForwardCacheDisabledByCommandLine); the fixture server
// sends no-store (MainResourceHasCacheControlNoStore); and an open extension port alone keeps a
// page out (EmbedderExtensionMessaging, "support pending"): the content script's port to the
// worker. So going back is a new page load, a new agent session, as after a reload.
test('back/forward: the page comes back as a new load, a new session the panel counts from zero', async (
  { page, pageUrl, tabIdOf, openPanel },
  testInfo,
) => {
  await page.goto(pageUrl());
  await page.evaluate(() => {
    window.create('Widget', 2);
    Object.assign(window, { beforeLeaving: true });
  });
  const panel = await openPanel(await tabIdOf(page));
  await expectTable(panel, { Widget: { live: 2, created: 2, retired: 0 } });

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.enable');
  const notRestored: NotRestored[] = [];
  cdp.on('Page.backForwardCacheNotUsed', (event: NotRestored) => void notRestored.push(event));
  await page.goto(pageUrl('blank.html'));
  await page.goBack();

  const restored = await page.evaluate(() => ({
    type: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).type,
    // Set before leaving: still there only if the page itself came back from the cache.
    sameDocument: 'beforeLeaving' in window,
  }));
  expect(restored).toEqual({ type: 'back_forward', sameDocument: false });
  await expect.poll(() => notRestored.length).toBe(1);
  const reasons = notRestored[0]!.notRestoredExplanations.map((explanation) => explanation.reason);
  testInfo.annotations.push({ type: 'bfcache not used', description: reasons.join(', ') });
  expect(reasons).toEqual(expect.arrayContaining(['BackForwardCacheDisabledByCommandLine', 'EmbedderExtensionMessaging']));
  await cdp.detach();

  await page.evaluate(() => window.create('Store', 1));
  await expectTable(panel, { Store: { live: 1, created: 1, retired: 0 } });
  const sessions = await sessionOptions(panel);
  expect(sessions).toHaveLength(2);
  // The page before the navigation keeps its counts, selectable like a reloaded one's.
  await selectSession(panel, (session) => !session.selected);
  await expectTable(panel, { Widget: { live: 2, created: 2, retired: 0 } });
});
