// The Firefox build in real Firefox (firefox-esr over WebDriver BiDi, see firefox-harness.ts):
// page → content script → background → panel, reloads, closed tabs, and what Firefox lacks.
// Uses no Chromium fixture: one Firefox for the file, a tab per test.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Browser, Page } from 'puppeteer-core';
import type { StaticServer } from '../scripts/static-server.js';
import { reveal } from '../panel/reveal.js';
import { firefoxInspectedWindow, launchFirefoxWithExtension, openFirefoxPanel, showFirefoxDevTools, type FirefoxWithExtension } from './firefox-harness.js';
import { startFixtureServer } from './harness.js';
import { SESSION_PICKER, TABLE } from './panel.js';
import './page-api.js';

test.describe.configure({ mode: 'serial' });

let server: StaticServer;
let firefox: FirefoxWithExtension;
let browser: Browser;
const opened: Page[] = [];

test.beforeAll(async () => {
  test.setTimeout(60_000);
  server = await startFixtureServer();
  firefox = await launchFirefoxWithExtension(server.url);
  browser = firefox.browser;
});

test.afterAll(async () => {
  await firefox?.close();
  await server?.close();
});

test.afterEach(async () => {
  await Promise.all(opened.splice(0).map((page) => page.close().catch(() => {})));
});

async function appPage(): Promise<Page> {
  const page = await browser.newPage();
  opened.push(page);
  await page.goto(`${server.url}/index.html?case=${Date.now()}`);
  return page;
}

async function panelFor(page: Page): Promise<{ panel: Page; tabId: number }> {
  const result = await openFirefoxPanel(browser, page);
  opened.push(result.panel);
  return result;
}

/** Live and created count of each type row (Firefox offers no forced GC here: nothing retires). */
function readCounts(panel: Page): Promise<Record<string, { live: number; created: number }>> {
  return panel.evaluate((selector) => {
    const table: Record<string, { live: number; created: number }> = {};
    for (const row of document.querySelectorAll<HTMLTableRowElement>(`${selector} tbody tr[data-type]`)) {
      const cell = (column: string): number => {
        const text = (row.querySelector(`td[data-col="${column}"]`)?.textContent ?? '').trim();
        return /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
      };
      table[row.dataset['type'] ?? ''] = { live: cell('live'), created: cell('created') };
    }
    return table;
  }, TABLE);
}

function sessionCount(panel: Page): Promise<number> {
  return panel.evaluate((selector) => document.querySelector<HTMLSelectElement>(selector)?.options.length ?? 0, SESSION_PICKER);
}

test('Firefox: the panel counts a page, and a reload is a new session', async () => {
  const page = await appPage();
  const { panel } = await panelFor(page);
  await page.evaluate(() => {
    window.create('Widget', 5);
    window.create('Store', 3, { name: 'main' });
  });
  await expect.poll(() => readCounts(panel)).toEqual({ Widget: { live: 5, created: 5 }, Store: { live: 3, created: 3 } });
  await expect.poll(() => sessionCount(panel)).toBe(1);

  const artifacts = resolve(import.meta.dirname, '..', 'artifacts');
  mkdirSync(artifacts, { recursive: true });
  await panel.setViewport({ width: 1000, height: 560 });
  await panel.screenshot({ path: resolve(artifacts, 'firefox-panel.png') });

  await page.reload();
  await page.evaluate(() => window.create('Subscription', 2));
  await expect.poll(() => readCounts(panel)).toEqual({ Subscription: { live: 2, created: 2 } });
  expect(await sessionCount(panel)).toBe(2);
});

test('Firefox: bundles holding arrays reach the panel as the page set them', async () => {
  const page = await appPage();
  const { panel } = await panelFor(page);
  await page.evaluate(() => window.create('Store', 2, { name: 'main', tags: ['a', 'b'], range: [1, 11], empty: [] }));
  await expect.poll(() => readCounts(panel)).toEqual({ Store: { live: 2, created: 2 } });
  // The type's instances, each with a one-line preview of its bundle.
  await panel.evaluate(() => [...document.querySelectorAll<HTMLButtonElement>('button')].find((button) => button.textContent === 'Store')?.click());
  await expect
    .poll(() => panel.evaluate(() => [...document.querySelectorAll('button[data-serial] .preview')].map((preview) => preview.textContent)))
    .toEqual(Array(2).fill('{name: "main", tags: ["a", "b"], range: [1, 11], empty: []}'));
});

test("Firefox: an opened panel asks the page's agent for its totals, through the background and the content script", async () => {
  const page = await appPage();
  // The page hears what its agent posts: count the totals messages.
  await page.evaluate(() => {
    (window as unknown as { totalsSeen: number }).totalsSeen = 0;
    window.addEventListener('message', (event: MessageEvent) => {
      if ((event.data as { kind?: unknown } | null)?.kind === 'totals') (window as unknown as { totalsSeen: number }).totalsSeen++;
    });
    window.create('Widget', 4);
  });
  const before = await page.evaluate(() => (window as unknown as { totalsSeen: number }).totalsSeen);
  const { panel } = await panelFor(page);
  await expect.poll(() => page.evaluate(() => (window as unknown as { totalsSeen: number }).totalsSeen)).toBeGreaterThan(before);
  await expect.poll(() => readCounts(panel)).toEqual({ Widget: { live: 4, created: 4 } });
});

test('Firefox: a closed tab is cleaned up: the panel says so and its stored history is gone', async () => {
  const page = await appPage();
  const { panel, tabId } = await panelFor(page);
  await page.evaluate(() => window.create('Marker', 4));
  await expect.poll(() => readCounts(panel)).toEqual({ Marker: { live: 4, created: 4 } });
  const storedKeys = (): Promise<string[]> => panel.evaluate(async () => Object.keys(await chrome.storage.session.get(null)));
  await expect.poll(storedKeys).toContain(`t:${tabId}`);

  await page.close();
  await expect.poll(() => panel.evaluate(() => document.querySelector('[data-testid="status"]')?.textContent ?? '')).toContain('Tab closed');
  await expect.poll(async () => (await storedKeys()).filter((key) => key.split(':')[1] === String(tabId))).toEqual([]);
  // What the panel counted stays readable.
  expect(await readCounts(panel)).toEqual({ Marker: { live: 4, created: 4 } });
});

test("Firefox: the devtools page adds the Trackables panel to Firefox's DevTools", async () => {
  const page = await appPage();
  const { extensionTools, selected } = await showFirefoxDevTools(browser, page.url(), 'Trackables');
  expect(extensionTools).toHaveLength(1);
  expect(selected).toBe(extensionTools[0]);
});

test("Firefox: Reveal in Console through Firefox's own inspectedWindow.eval: top frame revealed, an iframe's instance frame-unsupported", async () => {
  const page = await browser.newPage();
  opened.push(page);
  await page.goto(`${server.url}/frames.html?case=${Date.now()}`);
  const { tabId } = await panelFor(page);
  const child = page.frames().find((frame) => frame.url().endsWith('/child.html'));
  if (child === undefined) throw new Error('no child frame');
  const make = (): { session: string; serial: number } => {
    window.trackObjects('Widget');
    window.create('Widget', 1);
    return { session: window.trackablesTracker.session, serial: (window.kept.Widget[0] as { getTrackerSerial(): number }).getTrackerSerial() };
  };
  const top = await page.evaluate(make);
  const inChild = await child.evaluate(make);
  await showFirefoxDevTools(browser, page.url(), 'Trackables');
  const inspected = firefoxInspectedWindow(firefox, tabId);

  expect(await reveal(inspected, { ...top, type: 'Widget' })).toEqual({ kind: 'revealed' });
  expect(await reveal(inspected, { ...inChild, type: 'ChildWidget', frameUrl: child.url() })).toEqual({ kind: 'frame-unsupported' });
  // The top frame's agent does not know the child's session: asked there, it would have said so.
  expect(await reveal(inspected, { ...inChild, type: 'ChildWidget' })).toEqual({ kind: 'unknown-session' });
});

test('Firefox: Collect garbage explains there is no debugger API; withheld site access is shown with how to grant it', async () => {
  const page = await appPage();
  const { panel } = await panelFor(page);
  await page.evaluate(() => window.create('Widget', 1));
  await expect.poll(() => readCounts(panel)).toEqual({ Widget: { live: 1, created: 1 } });
  expect(await panel.$('[data-testid="host-access"]')).toBeNull();

  await (await panel.waitForSelector('::-p-text(Collect garbage)'))!.click();
  const banner = await panel.waitForSelector('.gc-banner');
  expect(await banner!.evaluate((element) => element.textContent)).toContain('no debugger API');

  // As a user would in about:addons. (BiDi cannot reload a moz-extension page: a new panel.)
  expect(await panel.evaluate(() => chrome.permissions.remove({ origins: ['<all_urls>'] }))).toBe(true);
  const { panel: after } = await panelFor(page);
  const hostAccess = await after.waitForSelector('[data-testid="host-access"]');
  expect(await hostAccess!.evaluate((element) => element.textContent)).toContain('Access your data for all websites');
});
