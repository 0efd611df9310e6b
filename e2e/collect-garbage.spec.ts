import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { EXTENSION_GC_DIR, extensionIdOf, launchWithExtension, openHarnessPage, openPanel, openTab, startFixtureServer } from './harness.js';
import { expectTable } from './panel.js';
import './page-api.js';

// The build with the "debugger" permission (dist/extension-gc): the default build cannot have
// it (leaks-view.spec.ts tests its explanation instead). No CDP from the test here: only the
// panel's button collects.
test('Collect garbage in the debugger build forces the collection that reports dropped instances destroyed', async () => {
  const server = await startFixtureServer();
  const userDataDir = mkdtempSync(join(tmpdir(), 'trackables-gc-'));
  const context = await launchWithExtension(userDataDir, [], EXTENSION_GC_DIR);
  try {
    const extensionId = await extensionIdOf(context);
    const harness = await openHarnessPage(context, extensionId);
    const { page, tabId } = await openTab(context, harness, `${server.url}/index.html?gc`);
    const panel = await openPanel(context, extensionId, tabId);
    await page.evaluate(() => {
      window.create('Widget', 50);
      window.create('Store', 2);
      window.drop('Widget', 50);
    });
    // Dropped, not yet collected: the page lets go, the garbage collector has not run.
    await expectTable(panel, { Widget: { live: 50, created: 50, retired: 0 }, Store: { live: 2, created: 2, retired: 0 } });

    await panel.getByRole('button', { name: 'Collect garbage' }).click();
    await expect(panel.getByText(/^Collected at /)).toBeVisible();
    await expectTable(panel, { Widget: { live: 0, created: 50, retired: 50 }, Store: { live: 2, created: 2, retired: 0 } });
    await expect(panel.getByRole('alert')).toHaveCount(0);
  } finally {
    await context.close();
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
});
