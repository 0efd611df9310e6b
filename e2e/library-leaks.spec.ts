// track(this) in a MobX 6 store and @trackable() on a Lit 3 element, in real Chromium (the demo's
// library part): expectNoLeaks is quiet when each is let go, and names the type kept by its leak.
import type { Page } from '@playwright/test';
import { expect, test } from './demo-fixtures.js';
import { expectNoLeaks } from '../agent/playwright/index.js';

interface LibraryDemo {
  open(): void;
  close(): void;
  setLeaks(leaks: { store?: boolean; badge?: boolean }): void;
  setTheme(theme: string): void;
}

/** Opens a report and closes it, waiting on the badge's rendered text (a locator keeps nothing). */
async function openAndClose(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { libraryDemo: LibraryDemo }).libraryDemo.open());
  await page.getByText(/Status: report of 10 rows/).waitFor();
  await page.evaluate(() => (window as unknown as { libraryDemo: LibraryDemo }).libraryDemo.close());
  await page.getByText(/Status: report/).waitFor({ state: 'detached' });
}

async function leakCheck(page: Page, leaks: { store?: boolean; badge?: boolean }): Promise<string | null> {
  await page.evaluate((leaks) => (window as unknown as { libraryDemo: LibraryDemo }).libraryDemo.setLeaks(leaks), leaks);
  return expectNoLeaks(page, () => openAndClose(page)).then(
    () => null,
    (error: unknown) => (error as Error).message,
  );
}

test('no leak: a MobX store and a Lit element opened and closed again and again', async ({ page, demoUrl }) => {
  await page.goto(demoUrl);
  expect(await leakCheck(page, {})).toBeNull();
});

test('a MobX store kept by a reaction never disposed is named: ReportStore', async ({ page, demoUrl }) => {
  await page.goto(demoUrl);
  const message = await leakCheck(page, { store: true });
  expect(message).toContain('1 type leaked');
  expect(message).toContain('ReportStore: live');
  expect(message).toMatch(/still alive: ReportStore #\d+ \{"leak":true\}/);
});

test('a Lit element kept by a window listener never removed is named: StatusBadge', async ({ page, demoUrl }) => {
  await page.goto(demoUrl);
  const message = await leakCheck(page, { badge: true });
  expect(message).toContain('1 type leaked');
  expect(message).toContain('StatusBadge: live');
});
