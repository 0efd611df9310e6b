import { resolve } from 'node:path';
import type { ConsoleMessage, Frame, Page } from '@playwright/test';
import { DEVTOOLS_HOOK } from '../agent/protocol/messages.js';
import { expect, test } from './fixtures.js';
import { expectTable, selectSession, type PanelTarget } from './panel.js';
import './page-api.js';

/** Lists `type`'s live instances in the Types view and selects the `index`-th; returns its serial. */
async function selectInstance(panel: PanelTarget, type: string, index: number): Promise<number> {
  await panel.getByRole('button', { name: type, exact: true }).click();
  const row = panel.getByRole('region', { name: `Live instances of ${type}` }).locator('button[data-serial]').nth(index);
  const serial = Number(await row.getAttribute('data-serial'));
  await row.click();
  await expect(inspectorOf(panel).getByRole('heading', { level: 2 })).toContainText(`${type} #${serial}`);
  return serial;
}

const inspectorOf = (panel: PanelTarget) => panel.getByRole('region', { name: 'Bundle inspector' });

/** Clicks "Reveal in Console" and waits for its outcome, `[data-reveal=<kind>]`. */
async function revealExpecting(panel: PanelTarget, kind: string) {
  const inspector = inspectorOf(panel);
  await inspector.getByRole('button', { name: 'Reveal in Console' }).click();
  const outcome = inspector.locator('[data-reveal]');
  await expect(outcome).toHaveAttribute('data-reveal', kind);
  return outcome;
}

/** The next console message of `page` (any of its frames) whose text starts with `label`. */
function nextLog(page: Page, label: string): Promise<ConsoleMessage> {
  return page.waitForEvent('console', { predicate: (message) => message.text().startsWith(label) });
}

/** Whether the message's logged object is the `index`-th Widget the frame keeps, with that serial. */
async function logsKeptWidget(message: ConsoleMessage, index: number, serial: number): Promise<boolean> {
  const [label, object] = message.args();
  const same = await object!.evaluate(
    (instance, [i, s]) => instance === window.kept.Widget[i] && (instance as { getTrackerSerial(): number }).getTrackerSerial() === s,
    [index, serial] as const,
  );
  // Playwright's handles would keep the instance alive.
  await Promise.all([label?.dispose(), object!.dispose()]);
  return same;
}

async function frameReady(frame: Frame | null): Promise<Frame> {
  if (frame === null) throw new Error('no child frame');
  await frame.waitForFunction(() => document.documentElement.dataset['trackablesApp'] === 'ready');
  return frame;
}

// Uses DevTools internals (see openRealDevToolsPanel): one test walks every outcome.
test('Reveal in Console in real DevTools: revealed, in an iframe too; gone once collected; not kept; page reloaded; imported', async (
  { page, context, pageUrl, tabIdOf, openPanel, openRealDevToolsPanel, collectGarbage },
  testInfo,
) => {
  await page.goto(pageUrl('frames.html'));
  const child = await frameReady(page.frame({ name: 'child' }));
  await page.evaluate(() => {
    window.trackObjects('Widget');
    window.create('Widget', 2, { role: 'kept' });
    window.create('Store', 1);
  });
  await child.evaluate(() => {
    window.trackObjects('Widget');
    window.create('Widget', 1);
  });
  const { devtools, panel } = await openRealDevToolsPanel(page);
  await expectTable(panel, { Widget: { live: 2, created: 2, retired: 0 }, Store: { live: 1, created: 1, retired: 0 } });

  // Revealed: the page's console gets the labelled line with the very object.
  const first = await selectInstance(panel, 'Widget', 0);
  const logged = nextLog(page, `Trackables: Widget #${first}`);
  const revealed = await revealExpecting(panel, 'revealed');
  await expect(revealed).toContainText(`Revealed: logged in the page's Console as “Trackables: Widget #${first}”`);
  expect(await logsKeptWidget(await logged, 0, first)).toBe(true);
  // DevTools docks beside an empty page area: keep DevTools' own part, from its tab bar down.
  const box = await (await panel.frameElement()).boundingBox();
  const viewport = await devtools.evaluate(() => ({ width: innerWidth, height: innerHeight }));
  const clip = box === null ? undefined : { x: box.x, y: 0, width: viewport.width - box.x, height: viewport.height };
  const shot = await devtools.screenshot({ path: resolve(import.meta.dirname, '..', 'artifacts', 'reveal.png'), clip });
  await testInfo.attach('reveal', { body: shot, contentType: 'image/png' });

  // Gone: the same Widget, dropped and collected. The Console keeps what it logged alive until
  // it is cleared, as Ctrl+L in the Console does (Runtime.discardConsoleEntries); the hook's
  // WeakRef keeps nothing.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Runtime.discardConsoleEntries');
  await cdp.detach();
  await page.evaluate(() => void window.kept.Widget.splice(0, 1));
  const heading = inspectorOf(panel).getByRole('heading', { level: 2 });
  await expect
    .poll(async () => {
      await collectGarbage(page);
      return heading.textContent();
    })
    .toContain('collected');
  const answer = await page.evaluate(
    ([hook, serial]) => (window as unknown as Record<string, { find(...args: unknown[]): { status: string } }>)[hook]!.find(window.trackablesTracker.session, serial, 'Widget').status,
    [DEVTOOLS_HOOK, first] as const,
  );
  expect(answer).toBe('collected');
  await expect(await revealExpecting(panel, 'collected')).toContainText(new RegExp(`^Gone: Widget #${first} was garbage-collected at \\d`));

  // Not kept: the page did not turn object tracking on for Store.
  await selectInstance(panel, 'Store', 0);
  await expect(await revealExpecting(panel, 'not-kept')).toContainText('Turn on object tracking for Store with tracker.setObjectTracking(Store)');

  // An iframe's instance: evaluated in that frame (frameURL), logged in its console.
  await selectSession(panel, (session) => session.label.includes('/child.html'));
  const childSerial = await selectInstance(panel, 'ChildWidget', 0);
  const childLogged = nextLog(page, `Trackables: ChildWidget #${childSerial}`);
  await revealExpecting(panel, 'revealed');
  const childMessage = await childLogged;
  // Evaluated in the object's own realm: the child's window, whose first kept Widget it is.
  expect(await childMessage.args()[1]!.evaluate(() => location.pathname)).toBe('/child.html');
  expect(await logsKeptWidget(childMessage, 0, childSerial)).toBe(true);

  // Page reloaded: the old session's Widget is still listed, but its agent is gone.
  const before = await page.evaluate(() => window.trackablesTracker.session);
  await page.reload();
  await frameReady(page.frame({ name: 'child' }));
  await selectSession(panel, (session) => session.value === before);
  await selectInstance(panel, 'Widget', 0);
  await expect(await revealExpecting(panel, 'unknown-session')).toContainText('Page reloaded');

  // An imported session (exported by the panel opened as a tab) has no page to ask.
  const tab = await openPanel(await tabIdOf(page));
  await page.evaluate(() => window.create('Widget', 1));
  await expectTable(tab, { Widget: { live: 1, created: 1, retired: 0 } });
  await tab.getByRole('button', { name: 'Export' }).click();
  const [download] = await Promise.all([tab.waitForEvent('download'), tab.getByRole('menuitem', { name: 'Export shown session' }).click()]);
  // Through the blob URL: the DevTools connection redirects downloads to a folder of its own.
  const recording = await tab.evaluate(async (href) => (await fetch(href)).text(), download.url());
  await panel.locator('[data-testid="import-file"]').setInputFiles({ name: 'reloaded.json', mimeType: 'application/json', buffer: Buffer.from(recording) });
  await expect(panel.locator('[data-testid="session-picker"] option:checked')).toHaveText(/^imported: /);
  await selectInstance(panel, 'Widget', 0);
  const button = inspectorOf(panel).getByRole('button', { name: 'Reveal in Console' });
  await expect(button).toBeDisabled();
  await expect(button).toHaveAttribute('title', /imported from a recording/);
});

test('outside DevTools the button is disabled and says why', async ({ page, pageUrl, tabIdOf, openPanel }) => {
  await page.goto(pageUrl());
  await page.evaluate(() => {
    window.trackObjects('Widget');
    window.create('Widget', 1);
  });
  const panel = await openPanel(await tabIdOf(page));
  await expectTable(panel, { Widget: { live: 1, created: 1, retired: 0 } });
  await selectInstance(panel, 'Widget', 0);
  const button = inspectorOf(panel).getByRole('button', { name: 'Reveal in Console' });
  await expect(button).toBeDisabled();
  await expect(button).toHaveAttribute('title', /chrome\.devtools is only available inside DevTools/);
});
