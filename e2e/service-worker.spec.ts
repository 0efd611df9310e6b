import { test } from './fixtures.js';
import { expectTable, NO_DROPS } from './panel.js';
import './page-api.js';

test('the page keeps emitting while the service worker is stopped, and nothing is lost', async (
  { page, pageUrl, tabIdOf, openPanel, collectGarbage, stopServiceWorker, waitForServiceWorkerRunning },
) => {
  await page.goto(pageUrl());
  const tabId = await tabIdOf(page);
  const panel = await openPanel(tabId);
  await page.evaluate(() => window.create('Widget', 5));
  await expectTable(panel, { Widget: { live: 5, created: 5, retired: 0 } });

  // A stream of Subscriptions, one every few ms, with the worker stopped in the middle of it.
  await page.evaluate(() => window.startStream('Subscription'));
  await page.waitForFunction(() => window.streamed() >= 20);
  await stopServiceWorker();
  const atStop = await page.evaluate(() => window.streamed());
  await page.evaluate(() => {
    window.drop('Widget', 2);
    window.create('Store', 7);
  });
  await page.waitForFunction((n) => window.streamed() >= n + 20, atStop);
  const streamed = await page.evaluate(() => window.stopStream());

  // The relay's next message wakes the worker, which restores the tab's history first.
  await waitForServiceWorkerRunning();
  const expected = {
    Widget: { live: 3, created: 5, retired: 2 },
    Subscription: { live: streamed, created: streamed, retired: 0 },
    Store: { live: 7, created: 7, retired: 0 },
  };
  // Soft: the live panel and the restored history can fail independently; report both.
  await expectTable(panel, expected, {
    before: () => collectGarbage(page),
    drops: NO_DROPS,
    soft: true,
    message: 'the panel connected throughout: every event, nothing dropped',
  });

  // A panel opened after the restart gets the same from the worker's restored history.
  const later = await openPanel(tabId);
  await expectTable(later, expected, {
    drops: NO_DROPS,
    message: "a panel opened after the restart: the worker's restored history is complete",
  });
});

test('a worker stopped before it stored a batch gets it again, though the page posts nothing more', async ({
  page,
  pageUrl,
  tabIdOf,
  openPanel,
  serviceWorker,
  stopServiceWorker,
}) => {
  await page.goto(pageUrl());
  const tabId = await tabIdOf(page);
  const panel = await openPanel(tabId);
  await page.evaluate(() => window.create('Widget', 2));
  await expectTable(panel, { Widget: { live: 2, created: 2, retired: 0 } });

  // From its next task on, the worker is stuck: whatever arrives now is never stored, never
  // acknowledged, and goes down with the worker when Chrome stops it.
  await serviceWorker.evaluate(() => void setTimeout(() => {
    for (;;);
  }));
  await page.evaluate(() => window.create('Store', 3));
  await stopServiceWorker();

  // The page stays quiet: only the relay's own resend on a new port can bring Store back.
  const expected = { Widget: { live: 2, created: 2, retired: 0 }, Store: { live: 3, created: 3, retired: 0 } };
  await expectTable(panel, expected, { drops: NO_DROPS, message: 'the open panel, reconnected to the restarted worker' });
  const later = await openPanel(tabId);
  await expectTable(later, expected, { drops: NO_DROPS, message: "a panel opened later: the restarted worker's history" });
});
