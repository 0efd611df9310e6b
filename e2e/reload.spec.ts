import { expect, test } from './fixtures.js';
import { expectTable, selectSession, sessionOptions } from './panel.js';
import './page-api.js';

test('a reload starts a new session and the previous one stays selectable', async (
  { page, pageUrl, tabIdOf, openPanel },
) => {
  await page.goto(pageUrl());
  const panel = await openPanel(await tabIdOf(page));
  await page.evaluate(() => window.create('Widget', 2));
  await expectTable(panel, { Widget: { live: 2, created: 2, retired: 0 } });
  await expect.poll(() => sessionOptions(panel)).toHaveLength(1);
  const [first] = await sessionOptions(panel);
  if (first === undefined) throw new Error('no session');

  await page.reload();
  await page.evaluate(() => window.create('Store', 3));
  // The new page load takes over the table: its own counts only.
  await expectTable(panel, { Store: { live: 3, created: 3, retired: 0 } });
  const sessions = await sessionOptions(panel);
  expect(sessions).toHaveLength(2);
  expect(sessions.find((session) => session.selected)?.value).not.toBe(first.value);

  // The previous session is still there, with what it counted.
  await selectSession(panel, (session) => session.value === first.value);
  await expectTable(panel, { Widget: { live: 2, created: 2, retired: 0 } });
});
