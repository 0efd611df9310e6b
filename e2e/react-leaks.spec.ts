// useTrackable in real Chromium (React 19, StrictMode, the demo's React part): expectNoLeaks is
// quiet while unmounted components are let go, and names the component a leaked listener keeps,
// as released; the panel's Leak suspects (in the viewer) lists it as released, not collected.
import type { Page } from '@playwright/test';
import { expect, test } from './demo-fixtures.js';
import { attachTrackables, expectNoLeaks } from '../agent/playwright/index.js';
import { openInViewer, shiftBack } from './recording-viewer.js';
import { RELEASED_BUNDLE } from '../agent/protocol/bundle-preview.js';
import { decodeBatch } from '../agent/protocol/decode.js';

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
  // StrictMode's simulated unmount released nothing.
  const mounted = (await trackables.snapshot({ serials: true })).types['WindowWidth']!.serials!;
  expect(mounted).toHaveLength(1);
  expect(mounted[0]!.released).toBeUndefined();
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
  expect((failure as Error).message).toMatch(/still alive: WindowWidth #\d+ \(released in run \d of 5: unmounted or disposed, not collected\)/);
  expect((failure as Error).message).not.toContain('ReactPanel');
  // useTrackable's objects are found like any tracked object: the leaked listener holds the component's state.
  expect((failure as Error).message).toMatch(/held by: event listener \S+ for "resize" on Window\n +→ closure variable \S+ of /);
});

/** Records `remounts` unmounts and mounts of the width component, collected, as if a minute ago. */
async function recordRemounts(page: Page, demoUrl: string, leak: boolean, remounts: number) {
  // Recording from the page load: the viewer draws lifelines only for instances it saw attached.
  const trackables = await attachTrackables(page);
  const recorder = trackables.record();
  await page.goto(demoUrl);
  await page.getByText(/Window width: \d+px/).waitFor();
  if (leak) await page.getByRole('checkbox', { name: /leak unmounted components/ }).check();
  for (let i = 0; i < remounts; i++) await remount(page);
  await trackables.collectGarbage();
  const snapshot = await trackables.snapshot({ serials: true });
  const recording = await recorder.stop();
  await trackables.detach();
  shiftBack(recording, 60_000);
  return { recording, widths: snapshot.types['WindowWidth']!.serials! };
}

test('Leak suspects lists unmounted components a leaked listener keeps as released, not collected', async ({ page, demoUrl }) => {
  const { recording, widths } = await recordRemounts(page, demoUrl, true, 2);
  const released = widths.filter((instance) => instance.released !== undefined).map((instance) => instance.serial);
  // Checking the box re-rendered the mounted one; each remount unmounted one, kept by its listener.
  expect(released.length).toBeGreaterThanOrEqual(2);
  const close = await openInViewer(page, recording, test.info().outputPath('react-leak.json'));
  try {
    await page.getByRole('tab', { name: 'Leak suspects' }).click();
    const rows = page.getByRole('region', { name: 'Released but alive' }).locator('li');
    await expect(rows).toHaveCount(released.length);
    for (const serial of released) await expect(rows.filter({ hasText: `WindowWidth #${serial}` })).toContainText(/released .+ ago/);
    // The one still mounted is not released, and nothing was detached.
    await expect(page.getByRole('region', { name: 'Detached but alive' })).toContainText('None.');
    await rows.first().getByRole('button').click();
    await expect(page.getByRole('region', { name: 'Bundle inspector' }).locator('[data-state="released"]')).toContainText('released');
    // The Timeline's text alternative gives each released lifeline its release time, and only those.
    await page.getByRole('tab', { name: 'Timeline' }).click();
    const lines = page.getByRole('table', { name: 'Visible lifelines' }).locator('tbody tr[data-type="WindowWidth"]');
    await expect(lines.first()).toBeAttached();
    const releasedCells = await lines.evaluateAll((rows) =>
      rows.filter((row) => row.querySelector('[data-col="released"]')!.textContent !== '').map((row) => Number((row as HTMLElement).dataset['serial'])),
    );
    expect(releasedCells.sort((a, b) => a - b)).toEqual([...released].sort((a, b) => a - b));
  } finally {
    await close();
  }
});

test('Leak suspects lists nothing released when unmounted components are let go', async ({ page, demoUrl }) => {
  const { recording, widths } = await recordRemounts(page, demoUrl, false, 2);
  expect(widths.map((instance) => instance.released)).toEqual([undefined]);
  // Both unmounted ones were released, and collected: that is why none is listed.
  const events = recording.sessions.flatMap((session) => session.messages.flatMap((message) => (message.kind === 'batch' ? decodeBatch(message) : [])));
  const released = events.filter((event) => event.type === 'WindowWidth' && event.bundle === RELEASED_BUNDLE).map((event) => event.serial);
  expect(released).toHaveLength(2);
  const destroyed = new Set(events.filter((event) => event.op === 'destroyed').map((event) => event.serial));
  expect(released.every((serial) => destroyed.has(serial))).toBe(true);
  const close = await openInViewer(page, recording, test.info().outputPath('react-clean.json'));
  try {
    await page.getByRole('tab', { name: 'Leak suspects' }).click();
    await expect(page.getByRole('region', { name: 'Released but alive' })).toContainText('None.');
  } finally {
    await close();
  }
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
