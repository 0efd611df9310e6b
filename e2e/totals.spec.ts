// Exact counts for a reader that missed events (docs/protocol.md, "Totals"), in plain Chromium
// as a user's own suite has it: the agent's running totals make trackables/playwright's counts
// equal the page's own Tracker even when its buffer overflowed before anyone listened, or when
// an earlier attachment took the events. (A panel opened after history eviction: flood.spec.ts.)
import type { Page } from '@playwright/test';
import { attachTrackables, expectNoLeaks } from '../agent/playwright/index.js';
import type { Table } from './panel.js';
import { fixturePagesTest } from './plain-browser.js';
import { expect } from '@playwright/test';

/** What e2e/pages/totals.html puts on window. */
interface TotalsPage {
  make(name: string, count: number, keepEvery: number): void;
  release(): void;
  localCounts(): Table;
}

declare global {
  interface Window {
    totals: TotalsPage;
  }
}

const test = fixturePagesTest;

const localCounts = (page: Page) => page.evaluate(() => window.totals.localCounts());

/** A snapshot's counts without the serials, in the oracle's shape. */
function countsOf(types: Record<string, { live: number; created: number; retired: number }>): Table {
  return Object.fromEntries(Object.entries(types).map(([type, { live, created, retired }]) => [type, { live, created, retired }]));
}

test('150,000 instances before any reader: the agent buffer overflows, and the counts are still exact', async ({ page, fixtureOrigin }) => {
  await page.goto(`${fixtureOrigin}/totals.html`);
  // 150,000 attached events (over the agent's 100,000-event buffer), then 100,000 destroyed.
  await page.evaluate(() => window.totals.make('Widget', 150_000, 3));
  await page.evaluate(() => window.totals.make('Gadget', 10, 1));

  const trackables = await attachTrackables(page);
  await trackables.collectGarbage();
  const snapshot = await trackables.snapshot();
  const expected = await localCounts(page);
  expect(expected['Widget']).toEqual({ live: 50_000, created: 150_000, retired: 100_000 });
  expect(countsOf(snapshot.types)).toEqual(expected);
  expect(snapshot.exact).toBe(true);
  // What the counts do not miss, the per-instance detail does: said, with the reason.
  expect(snapshot.partial?.missedEvents).toBeGreaterThanOrEqual(50_000);
  expect(snapshot.partial?.reasons.join('\n')).toMatch(/dropped by the agent: its buffer was full before a reader listened/);
  await trackables.detach();
});

test('a second attachTrackables after expectNoLeaks counts the live instances it never saw created', async ({ page, fixtureOrigin }) => {
  await page.goto(`${fixtureOrigin}/totals.html`);
  await page.evaluate(() => window.totals.make('Widget', 500, 2));
  await expectNoLeaks(page, () => page.evaluate(() => window.totals.make('Scratch', 20, 0)));

  // expectNoLeaks attached and detached; the agent no longer listens for a relay's ready.
  const trackables = await attachTrackables(page);
  await page.evaluate(() => window.totals.make('Late', 7, 1));
  await trackables.collectGarbage();
  const snapshot = await trackables.snapshot();
  const expected = await localCounts(page);
  expect(expected['Widget']).toEqual({ live: 250, created: 500, retired: 250 });
  expect(countsOf(snapshot.types)).toEqual(expected);
  expect(snapshot.exact).toBe(true);
  expect(snapshot.partial?.reasons.join('\n')).toMatch(/posted before this attachment listened/);

  // From then on it counts the events it hears on top of the totals.
  await page.evaluate(() => window.totals.release());
  await trackables.collectGarbage();
  expect(countsOf((await trackables.snapshot()).types)).toEqual(await localCounts(page));
  expect((await localCounts(page))['Widget']?.live).toBe(0);
  await trackables.detach();
});

test('attached after the page loaded, an iframe’s agent is heard, and its snapshots are exact', async ({ page, fixtureOrigin }) => {
  await page.goto(`${fixtureOrigin}/frames.html`);
  const child = page.frame({ name: 'child' })!;
  await child.waitForFunction(() => typeof (window as unknown as { create?: unknown }).create === 'function');
  const childCounts = () =>
    child.evaluate(() => (window as unknown as { localCounts(): Record<string, { live: number; retired: number }> }).localCounts());
  const create = (name: string, n: number) => child.evaluate(([name, n]) => (window as unknown as { create(name: string, n: number): number }).create(name, n), [name, n] as const);
  await create('Widget', 3);

  const trackables = await attachTrackables(page);
  await trackables.settle();
  const session = trackables.sessions().find((info) => !info.mainFrame)?.session;
  expect(session, 'the iframe that loaded before attaching is heard').toBeDefined();
  const snapshotCounts = async () =>
    Object.fromEntries(Object.entries((await trackables.snapshot({ session })).types).map(([type, { live, retired }]) => [type, { live, retired }]));
  expect(await snapshotCounts()).toEqual(await childCounts());
  // Each round's events are posted just before the snapshot, which waits for every frame's messages.
  for (let round = 1; round <= 5; round++) {
    await create('Store', 500);
    expect(await snapshotCounts()).toEqual(await childCounts());
  }
  await trackables.detach();
});
