// useTrackable in real Chromium (React 19, StrictMode, the demo's React part): expectNoLeaks is
// quiet while unmounted components are let go, and names the component a leaked listener keeps.
import type { Page } from '@playwright/test';
import { expect, test } from './demo-fixtures.js';
import { attachTrackables, expectNoLeaks } from '../agent/playwright/index.js';

interface ReactDemo {
  toggle(): void;
  setLeak(on: boolean): void;
}

/** Unmounts and mounts the width component once, waiting for each commit by its text. */
async function remount(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Hide width' }).click();
  await page.getByRole('button', { name: 'Show width' }).click();
  await page.getByText(/Window width: \d+px/).waitFor();
}

test('StrictMode double mount leaves one tracked instance per mounted component', async ({ page, demoUrl }) => {
  await page.goto(demoUrl);
  await page.getByText(/Window width: \d+px/).waitFor();
  const trackables = await attachTrackables(page);
  await trackables.collectGarbage();
  const counts = (await trackables.snapshot()).types;
  expect(counts['WindowWidth']).toMatchObject({ live: 1, created: 1 });
  expect(counts['ReactPanel']).toMatchObject({ live: 1, created: 1 });
  await trackables.detach();
});

test('no leak: mounting and unmounting again and again keeps no component alive', async ({ page, demoUrl }) => {
  await page.goto(demoUrl);
  await page.getByText(/Window width: \d+px/).waitFor();
  await expectNoLeaks(page, () => remount(page));
});

test('the React leak switch fails the check, naming WindowWidth', async ({ page, demoUrl }) => {
  await page.goto(demoUrl);
  await page.getByText(/Window width: \d+px/).waitFor();
  await page.getByRole('checkbox', { name: /leak unmounted components/ }).check();
  const failure = await expectNoLeaks(page, () => remount(page)).then(
    () => null,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(Error);
  expect((failure as Error).message).toContain('WindowWidth: live');
  expect((failure as Error).message).not.toContain('ReactPanel');
  // useTrackable's objects are found like any tracked object: the leaked listener holds the component's state.
  expect((failure as Error).message).toMatch(/held by: event listener \S+ for "resize" on Window\n +→ closure variable \S+ of /);
});

interface SlowDemo {
  loadSlow(text: string, ms: number, transition: boolean): void;
  closeSlow(): void;
}

test('Suspense and transitions: renders React throws away track nothing; end counts are exact', async ({ page, demoUrl }) => {
  await page.goto(demoUrl);
  await page.getByText(/Window width: \d+px/).waitFor();
  const trackables = await attachTrackables(page);
  const slow = (text: string, transition: boolean, ms = 300) =>
    page.evaluate(([text, transition, ms]) => (window as unknown as { reactDemo: SlowDemo }).reactDemo.loadSlow(text, ms, transition), [text, transition, ms] as const);
  const close = () => page.evaluate(() => (window as unknown as { reactDemo: SlowDemo }).reactDemo.closeSlow());

  await slow('first', false, 4000);
  await page.getByText('Loading…').waitFor();
  expect((await trackables.snapshot()).types['SlowText']).toBeUndefined();
  await expect(page.getByText('Loading…')).toBeVisible();
  await page.getByText('Slow text: first').waitFor();
  // A transition to a new promise: the shown component suspends again behind the old UI.
  await slow('second', true);
  await page.getByText('Slow text: second').waitFor();
  await close();
  await page.getByText(/Slow text/).waitFor({ state: 'detached' });
  await slow('third', true);
  await page.getByText('Slow text: third').waitFor();
  await close();
  await page.getByText(/Slow text/).waitFor({ state: 'detached' });
  await trackables.collectGarbage();
  // Two mounts ("first", kept through "second"; "third"), both unmounted and collected.
  expect((await trackables.snapshot()).types['SlowText']).toEqual({ live: 0, created: 2, retired: 2 });
  await trackables.detach();
});
