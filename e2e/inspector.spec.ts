import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import { expectTable } from './panel.js';
import './page-api.js';

test('selecting an instance shows its bundle as a tree and its bundle history with what changed', async (
  { page, pageUrl, tabIdOf, openPanel },
  testInfo,
) => {
  await page.goto(pageUrl());
  const panel = await openPanel(await tabIdOf(page));
  await page.evaluate(() => {
    window.create('Widget', 1);
    window.create('Store', 2, { name: 'main', items: [1, 2] });
    window.setBundle('Store', 0, { name: 'main', items: [1, 2, 3], extra: true });
    window.setBundle('Store', 0, { name: 'renamed', extra: true });
    window.setBundle('Store', 0, { name: 'renamed', extra: true, onSave: function onSave() {}, when: new Date(0) });
  });
  await expectTable(panel, { Widget: { live: 1, created: 1, retired: 0 }, Store: { live: 2, created: 2, retired: 0 } });

  // The keyboard path: the type name is a button, Enter lists the type's instances.
  await panel.getByRole('button', { name: 'Store', exact: true }).focus();
  await panel.keyboard.press('Enter');
  const instances = panel.getByRole('region', { name: 'Live instances of Store' });
  await expect(instances.locator('button[data-serial]')).toHaveCount(2);
  // Oldest first: the first is the one whose bundle changed. The second kept its first bundle,
  // whose array the agent sent as values (docs/protocol.md, "Arrays as values").
  await expect(instances.locator('button[data-serial]').nth(1)).toContainText('{name: "main", items: [1, 2]}');
  const first = instances.locator('button[data-serial]').first();
  await expect(first).toContainText('{name: "renamed", extra: true, onSave: ‹function');
  await first.click();
  await expect(first).toHaveAttribute('aria-pressed', 'true');

  const inspector = panel.getByRole('region', { name: 'Bundle inspector' });
  const serial = await first.getAttribute('data-serial');
  await expect(inspector.getByRole('heading', { level: 2 })).toHaveText(`Store #${serial}`);
  // The tree: react-inspector's DevTools-style labels, placeholders as "kind text".
  const tree = inspector.getByTestId('bundle-tree');
  await expect(tree).toContainText('name: "renamed"');
  await expect(tree).toContainText('extra: true');
  await expect(tree.locator('.placeholder').filter({ hasText: 'function' })).toContainText('onSave');
  await expect(tree.locator('.placeholder').filter({ hasText: 'date' })).toContainText('1970-01-01T00:00:00.000Z');

  const history = inspector.getByRole('list', { name: 'Bundle history' }).locator('li');
  await expect(history).toHaveText([
    /attached, no bundle$/,
    /updated: value changed$/,
    /updated: \+extra ~items$/,
    /updated: −items ~name$/,
    /updated: \+onSave \+when$/,
  ]);

  const shot = await panel.screenshot({ path: resolve(import.meta.dirname, '..', 'artifacts', 'inspector.png') });
  await testInfo.attach('inspector', { body: shot, contentType: 'image/png' });
});
