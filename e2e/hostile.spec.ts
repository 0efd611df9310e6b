// Bundles no page should hand the agent, handed to it (e2e/pages/hostile.html): the page must run
// on, the pipe must carry every event, and each bundle must arrive as a bounded, safe preview.
import { attachTrackables } from '../agent/playwright/index.js';
import { PLACEHOLDER_KEY, type Preview } from '../agent/protocol/bundle-preview.js';
import { expect, test } from './fixtures.js';
import { expectTable, NO_DROPS } from './panel.js';

declare global {
  interface Window {
    hostileKinds: string[];
    hostile(kind: string): number;
  }
}

function isNested(value: Preview | undefined): value is { child: Preview } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'child' in value;
}

test('hostile bundles never break the page, and arrive as placeholders', async ({ page, pageUrl, tabIdOf, openPanel }) => {
  const pageErrors: Error[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  const trackables = await attachTrackables(page);
  await page.goto(pageUrl('hostile.html'));
  const panel = await openPanel(await tabIdOf(page));

  const kinds = await page.evaluate(() => window.hostileKinds);
  for (const [index, kind] of kinds.entries()) {
    // The page's own code goes on right after each setDataBundle: its counter says so.
    expect(await page.evaluate((k) => window.hostile(k), kind), kind).toBe(index + 1);
  }
  await expectTable(panel, { Hostile: { live: kinds.length, created: kinds.length, retired: 0 } }, { drops: NO_DROPS });

  const snapshot = await trackables.snapshot({ serials: true });
  const bundles = Object.fromEntries((snapshot.types['Hostile']?.serials ?? []).map(({ serial, bundle }) => [kinds[serial - 1], bundle]));
  // What the agent posted, decoded by trackables/playwright from the same messages the relay gets.
  const P = PLACEHOLDER_KEY;
  const unreadable = { [P]: 'unreadable', text: expect.any(String) };
  expect(bundles).toEqual({
    cycle: { name: 'node', self: { [P]: 'cycle', text: 'circular reference' } },
    hugeString: { [P]: 'string', text: 'x'.repeat(1_000), length: 10 * 1024 * 1024 },
    deep: expect.anything(),
    throwingGetter: { ok: 1, bad: { [P]: 'unreadable', text: 'getter (not invoked)' } },
    throwingProxy: unreadable,
    revokedProxy: unreadable,
    frozen: { frozen: [1, 2, 3] },
    nullPrototype: { bare: true },
    domNode: { [P]: 'dom', text: '<body>' },
    weakMap: { [P]: 'opaque', text: 'WeakMap' },
    typedArray: { [P]: 'typed-array', text: 'Float64Array(1000000)', value: expect.any(Array) },
  });
  // 10,000 levels sent as 8, then a 'depth' placeholder.
  let level: Preview | undefined = bundles['deep'];
  let depth = 0;
  while (isNested(level)) {
    level = level.child;
    depth++;
  }
  expect({ depth, end: level }).toEqual({ depth: 8, end: { [P]: 'depth', text: 'Object' } });
  const elements = (bundles['typedArray'] as { value: Preview[] }).value;
  expect(elements).toHaveLength(101);
  expect(elements.at(-1)).toEqual({ [P]: 'truncated', text: '999900 more', omitted: 999_900 });

  expect(pageErrors).toEqual([]);
  await trackables.detach();
});
