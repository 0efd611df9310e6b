import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import { expectTable, NO_DROPS, readDrops, TABLE } from './panel.js';
import './page-api.js';

test('the panel counts live, created and retired instances of each type exactly', async (
  { page, pageUrl, tabIdOf, openPanel, collectGarbage },
  testInfo,
) => {
  await page.goto(pageUrl());
  const panel = await openPanel(await tabIdOf(page));

  await page.evaluate(() => {
    window.create('Widget', 5);
    window.create('Store', 3, { name: 'main' });
    window.create('Subscription', 4);
  });
  await expectTable(panel, {
    Widget: { live: 5, created: 5, retired: 0 },
    Store: { live: 3, created: 3, retired: 0 },
    Subscription: { live: 4, created: 4, retired: 0 },
  });

  await page.evaluate(() => {
    window.drop('Widget', 2);
    window.drop('Subscription', 4);
    window.create('Subscription', 1);
  });
  const expected = {
    Widget: { live: 3, created: 5, retired: 2, peak: 5 },
    Store: { live: 3, created: 3, retired: 0, peak: 3 },
    // The fifth was created before the GC retired the first four.
    Subscription: { live: 1, created: 5, retired: 4, peak: 5 },
  };
  // Dropped instances are only retired once a GC finds them: collect before every look.
  await expectTable(panel, expected, {
    columns: ['live', 'created', 'retired', 'peak'],
    before: () => collectGarbage(page),
  });

  // The page's own Tracker (forwarded to by the PostMessageTracker) saw the same.
  expect(await page.evaluate(() => window.localCounts())).toEqual({
    Store: { live: 3, retired: 0 },
    Subscription: { live: 1, retired: 4 },
    Widget: { live: 3, retired: 2 },
  });
  expect(await readDrops(panel)).toEqual(NO_DROPS);

  const screenshot = await panel.screenshot({ fullPage: true });
  await testInfo.attach('panel-table', { body: screenshot, contentType: 'image/png' });
  const artifacts = resolve(import.meta.dirname, '..', 'artifacts');
  mkdirSync(artifacts, { recursive: true });
  await panel.locator(TABLE).screenshot({ path: resolve(artifacts, 'panel-table.png') });
});

test('a loop of 60,000 constructions reaches the panel as repeats and counts exactly', async ({ page, pageUrl, tabIdOf, openPanel }) => {
  await page.goto(pageUrl());
  const panel = await openPanel(await tabIdOf(page));
  await panel.locator('[data-connection="connected"]').waitFor();
  // What the agent posts, as any listener in the page hears it.
  await page.evaluate(() => {
    const ops: string[] = [];
    (window as unknown as { agentOps: string[] }).agentOps = ops;
    window.addEventListener('message', (event: MessageEvent<{ source?: string; kind?: string; ops?: string }>) => {
      if (event.data?.source === 'trackables-agent' && event.data.kind === 'batch') ops.push(event.data.ops!);
    });
  });
  await page.evaluate(() => window.create('Widget', 60_000));
  await expectTable(panel, { Widget: { live: 60_000, created: 60_000, retired: 0 } }, { drops: NO_DROPS });
  // The content script's ready said it reads repeats, so the agent wrote them: a few characters
  // per clock reading (every 64 events) instead of 4 per event.
  const ops = await page.evaluate(() => (window as unknown as { agentOps: string[] }).agentOps);
  expect(ops.some((text) => text.includes('!'))).toBe(true);
  const chars = ops.reduce((sum, text) => sum + text.length, 0);
  expect(chars, `${chars} characters of ops for 60,000 events`).toBeLessThan(60_000);
  expect(await page.evaluate(() => window.localCounts()['Widget'])).toEqual({ live: 60_000, retired: 0 });
});
