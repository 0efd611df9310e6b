import { expect, test } from './fixtures.js';
import { expectTable, selectSession, sessionOptions } from './panel.js';
import './page-api.js';

// Each frame runs its own agent: its own session and frame id, and serials counting from 1 like
// the top frame's. The child's types are prefixed (ChildWidget…) so the table tells whose they are.
test('events of a child frame are told apart from the top frame', async (
  { page, pageUrl, tabIdOf, openPanel, collectGarbage },
) => {
  await page.goto(pageUrl('frames.html'));
  const child = page.frame({ name: 'child' });
  if (child === null) throw new Error('no child frame');
  await child.waitForFunction(() => document.documentElement.dataset['trackablesApp'] === 'ready');
  const panel = await openPanel(await tabIdOf(page));

  await page.evaluate(() => window.create('Widget', 3));
  await child.evaluate(() => {
    window.create('Widget', 2);
    window.drop('Widget', 1);
  });

  // The top frame's session is the one shown; the child's serials 1 and 2 (the same numbers as
  // the top frame's first Widgets) must not retire top-frame instances.
  const gc = (): Promise<void> => collectGarbage(page);
  await expect
    .poll(async () => {
      await gc();
      return child.evaluate(() => window.localCounts()['ChildWidget']);
    })
    .toEqual({ live: 1, retired: 1 });
  await expectTable(panel, { Widget: { live: 3, created: 3, retired: 0 } });

  // The child frame is a session of its own, named by its URL.
  await expect.poll(() => sessionOptions(panel)).toHaveLength(2);
  await selectSession(panel, (session) => session.label.includes('/child.html') && session.label.includes('iframe'));
  await expectTable(panel, { ChildWidget: { live: 1, created: 2, retired: 1 } });
});
