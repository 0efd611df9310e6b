// Several copies of the agent in one page (micro-frontends, a library and an app each bundling
// trackables): the script-tag build loaded twice, and two separately bundled copies (esbuild, one
// minified). One session for the page, every copy's events counted once, serials distinct,
// lifelines apart, instances of either copy found through the DevTools hook: in the panel and in
// trackables/playwright's snapshot(), against the sum of the copies' in-page Trackers.
import { basename } from 'node:path';
import { build } from 'esbuild';
import { attachTrackables } from '../agent/playwright/index.js';
import { DEVTOOLS_HOOK } from '../agent/protocol/messages.js';
import { expect, test } from './fixtures.js';
import { NO_DROPS, expectTable, sessionOptions, type Table } from './panel.js';

/** What e2e/pages/copy.js puts on window.copies[name] for each copy. */
interface Copy {
  agent: { Trackable: unknown };
  session: string;
  frame: string;
  create(type: string, n?: number): number[];
  drop(type: string, n?: number): void;
  trackObjects(type: string): void;
  serials(type: string): number[];
  keeps(type: string, instance: unknown): boolean;
  localCounts(): Table;
}

declare global {
  interface Window {
    copies: Record<'A' | 'B', Copy>;
  }
}

/** Interleaved work of both copies, with one type name (Widget) in both. */
const EXPECTED: Table = {
  OnlyA: { live: 2, created: 2, retired: 0 },
  OnlyB: { live: 0, created: 1, retired: 1 },
  Widget: { live: 5, created: 8, retired: 3 },
};

const bundles = new Map<string, string>();

test.beforeAll(async () => {
  // Two builds of the agent's source, as two packages of an app would each bring it.
  for (const [file, minify] of [['a.js', true], ['b.js', false]] as const) {
    const result = await build({ entryPoints: ['agent/index.ts'], bundle: true, format: 'iife', globalName: 'Trackables', minify, write: false, target: 'es2022' });
    bundles.set(file, result.outputFiles[0]!.text);
  }
});

for (const mode of ['global', 'bundles'] as const) {
  test(`two copies of the agent in one page (${mode}): counted once each, serials distinct, lifelines apart, both revealable`, async (
    { page, pageUrl, tabIdOf, openPanel, collectGarbage },
  ) => {
    await page.route('**/copies/*.js', (route) =>
      route.fulfill({ contentType: 'text/javascript', body: bundles.get(basename(new URL(route.request().url()).pathname)) ?? '' }),
    );
    const trackables = await attachTrackables(page);
    await page.goto(pageUrl(`copies-${mode}.html`));
    const panel = await openPanel(await tabIdOf(page));

    const identity = await page.evaluate(() => {
      const { A, B } = window.copies;
      return { distinctCopies: A.agent.Trackable !== B.agent.Trackable, sameSession: A.session === B.session, distinctStreams: A.frame !== B.frame };
    });
    expect(identity).toEqual({ distinctCopies: true, sameSession: true, distinctStreams: true });

    await page.evaluate(() => {
      const { A, B } = window.copies;
      A.trackObjects('Widget');
      B.trackObjects('Widget');
      A.create('Widget', 3);
      B.create('Widget', 2);
      A.create('OnlyA', 2);
      B.create('OnlyB', 1);
      A.create('Widget', 1);
      B.create('Widget', 2);
      A.drop('Widget', 2);
      B.drop('Widget', 1);
      B.drop('OnlyB', 1);
    });
    const sumOfLocal = async (): Promise<Table> => {
      const [a, b] = await page.evaluate(() => [window.copies.A.localCounts(), window.copies.B.localCounts()]);
      const sum: Table = {};
      for (const counts of [a, b]) {
        for (const [type, row] of Object.entries(counts)) {
          const total = (sum[type] ??= { live: 0, created: 0, retired: 0 });
          for (const column of ['live', 'created', 'retired'] as const) total[column] = total[column]! + row[column]!;
        }
      }
      return sum;
    };
    await expect
      .poll(async () => {
        await collectGarbage(page);
        return sumOfLocal();
      }, { message: "the copies' in-page Trackers, added up" })
      .toEqual(EXPECTED);

    // Serials: unique across the copies (one counter per realm), as the page sees them.
    const live = await page.evaluate(() => [...window.copies.A.serials('Widget'), ...window.copies.B.serials('Widget')]);
    expect(new Set(live).size).toBe(5);

    // The panel: one session for the page load, both copies' events counted once.
    await expectTable(panel, EXPECTED, { drops: NO_DROPS });
    const sessions = await sessionOptions(panel);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.label).toContain('2 agents');
    // Lifelines: the live Widgets listed are exactly both copies' kept ones (none retired).
    await panel.getByRole('button', { name: 'Widget', exact: true }).click();
    const rows = panel.getByRole('region', { name: 'Live instances of Widget' }).locator('button[data-serial]');
    await expect(rows).toHaveCount(5);
    const listed = (await rows.evaluateAll((buttons) => buttons.map((button) => Number(button.getAttribute('data-serial'))))).sort((a, b) => a - b);
    expect(listed).toEqual([...live].sort((a, b) => a - b));

    // trackables/playwright: the same counts and live serials, both copies' streams in one session.
    const snapshot = await trackables.snapshot({ serials: true });
    expect(Object.fromEntries(Object.entries(snapshot.types).map(([type, { live, created, retired }]) => [type, { live, created, retired }]))).toEqual(EXPECTED);
    expect(snapshot.types['Widget']!.serials!.map((instance) => instance.serial)).toEqual([...live].sort((a, b) => a - b));
    expect(snapshot.session).toBe(await page.evaluate(() => window.copies.A.session));
    expect(trackables.sessions().map((stream) => stream.session)).toEqual([snapshot.session, snapshot.session]);
    expect(trackables.stats().invalidMessages).toBe(0);

    // Reveal in Console's way in: the hook finds a live Widget of either copy, by the page's session.
    const found = await page.evaluate((hookName) => {
      const hook = (window as unknown as Record<string, { find(...args: unknown[]): { status: string; instance?: unknown } }>)[hookName]!;
      return Object.values(window.copies).map((copy) => {
        const answer = hook.find(copy.session, copy.serials('Widget').at(-1), 'Widget');
        return answer.status === 'found' && copy.keeps('Widget', answer.instance);
      });
    }, DEVTOOLS_HOOK);
    expect(found).toEqual([true, true]);
    await trackables.detach();
  });
}
