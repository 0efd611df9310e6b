// A page emits 1,000,000 events in about ten seconds. Bounded memory and accounted-for events are
// asserted; timings (longest task, heartbeat gap, heap figures) are recorded as annotations and
// an attachment, never asserted against a number: the machines are shared and noisy.
import type { Page } from '@playwright/test';
import { CHUNK_BYTES, HISTORY_BUDGET_BYTES } from '../extension/worker/history.js';
import { MAX_KEPT_EVENTS_PER_STREAM } from '../panel/store/kept-messages.js';
import { expect, test } from './fixtures.js';
import type { FloodRun } from './flood-api.js';
import { mib, MiB, PageHeap, WorkerHeap, type HeapUsage } from './heap.js';
import { expectTable, NO_DROPS, readDrops, TABLE, type Table } from './panel.js';
import './flood-api.js';

const TASKS = 100;
/** Objects created per task; half get a bundle, and all are let go by the next task. */
const CREATED = 4_000;
const SPREAD_MS = 10_000;
/** attached + updated + destroyed per task. */
const EVENTS_PER_TASK = CREATED + CREATED / 2 + CREATED;
const EVENTS = TASKS * EVENTS_PER_TASK;
const SHARES = { FloodWidget: 0.5, FloodStore: 0.3, FloodMarker: 0.2 };

/*
 * Bounds on retained heap (after a forced GC), from the documented limits; what they catch is
 * growth with the number of events, which at 1,000,000 events would be hundreds of MiB. Measured
 * figures are in docs/RELIABILITY.md ("Flood and soak").
 *
 * - Worker: the history holds at most HISTORY_BUDGET_BYTES (8 MiB) of batch JSON, kept parsed
 *   (an op is 1–4 JSON characters, 4–8 bytes as an array element); allow 4× that, plus a
 *   persister write being stringified (a chunk) and the worker's code and baseline (16 MiB).
 *   Measured: 8.5–8.7 MiB.
 * - Panel: the store keeps MAX_KEPT_EVENTS_PER_STREAM events per frame for export (4 numbers
 *   each, plus bundle texts), the lifelines of at most MAX_LIFELINES (250,000) instances (~104 B
 *   each, panel/bench/ingest.bench.ts) and 2,000 chart points per type; React and the panel's
 *   code come on top. Measured: up to ~40 MiB, most of it evicted kept messages
 *   that stay referenced until 1,024 have gone (see docs/RELIABILITY.md): 64 MiB is above that at
 *   this test's 1,000,000 events, not at 2,000,000 (~72 MiB).
 */
const WORKER_HEAP_BOUND = 4 * HISTORY_BUDGET_BYTES + CHUNK_BYTES + 16 * MiB;
const PANEL_HEAP_BOUND = 64 * MiB;

/** Heap used: as found, and retained (after a forced full GC of that heap). */
interface Sample {
  when: string;
  worker: { found: HeapUsage | undefined; retained: HeapUsage | undefined };
  panel: { found: HeapUsage; retained: HeapUsage };
  /** As found; retained too before and after the flood (a GC of the page collects the flood's objects). */
  page: { found: HeapUsage; retained?: HeapUsage };
}

async function rowOrder(panel: Page): Promise<string[]> {
  return panel.locator(`${TABLE} tbody tr[data-type]`).evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset['type'] ?? ''));
}

const totalEvents = async (panel: Page): Promise<number> => Number(await panel.getByTestId('total-events').textContent());

test('a flood of 1,000,000 events: memory stays bounded, every event is accounted for, page and panel stay responsive', async (
  { context, extensionId, extensionPage, page, pageUrl, tabIdOf, openPanel, collectGarbage },
  testInfo,
) => {
  test.setTimeout(120_000);
  await page.goto(pageUrl('flood.html'));
  const tabId = await tabIdOf(page);
  const panel = await openPanel(tabId);
  await panel.locator('[data-connection="connected"]').waitFor();

  const workerHeap = await WorkerHeap.open(context, extensionId);
  const pageHeap = await PageHeap.open(context, page);
  const panelHeap = await PageHeap.open(context, panel);
  const samples: Sample[] = [];
  // The bounds are on retained memory: garbage not yet collected says nothing about growth.
  const sample = async (when: string, collectPage: boolean): Promise<Sample> => {
    const taken: Sample = {
      when,
      worker: { found: await workerHeap.usage(), retained: await workerHeap.usage({ collect: true }) },
      panel: { found: await panelHeap.usage(), retained: await panelHeap.usage({ collect: true }) },
      page: { found: await pageHeap.usage(), ...(collectPage ? { retained: await pageHeap.usage({ collect: true }) } : {}) },
    };
    samples.push(taken);
    return taken;
  };

  try {
    await sample('before', true);
    await page.evaluate(() => window.flood.watch());
    const flood: Promise<FloodRun> = page.evaluate(([tasks, created, spread]) => window.flood.run(tasks, created, spread), [TASKS, CREATED, SPREAD_MS] as const);

    for (const quarter of [1, 2, 3]) {
      await page.waitForFunction((tasks) => window.flood.counts().tasks >= tasks, (TASKS * quarter) / 4, { polling: 100, timeout: 60_000 });
      await sample(`during, ${quarter * 25}% of tasks`, false);
      if (quarter !== 2) continue;
      // The panel answers while the events pour in: sorting and filtering.
      const header = (name: string) => panel.locator(`${TABLE} thead th`).filter({ has: panel.getByRole('button', { name, exact: true }) });
      await panel.getByRole('button', { name: 'Type', exact: true }).click();
      await expect(header('Type')).toHaveAttribute('aria-sort', 'ascending');
      await expect.poll(() => rowOrder(panel)).toEqual(['FloodMarker', 'FloodStore', 'FloodWidget']);
      await panel.getByRole('button', { name: 'Created', exact: true }).click();
      await expect(header('Created')).toHaveAttribute('aria-sort', 'descending');
      await expect.poll(() => rowOrder(panel)).toEqual(['FloodWidget', 'FloodStore', 'FloodMarker']);
      const filter = panel.getByRole('searchbox', { name: 'Filter types' });
      await filter.fill('store');
      await expect.poll(() => rowOrder(panel)).toEqual(['FloodStore']);
      await filter.fill('');
      await expect.poll(() => rowOrder(panel)).toEqual(['FloodWidget', 'FloodStore', 'FloodMarker']);
      const tasksWhenAnswered = await page.evaluate(() => window.flood.counts().tasks);
      testInfo.annotations.push({ type: 'panel interactions done', description: `after ${tasksWhenAnswered} of ${TASKS} tasks` });
    }
    const run = await flood;
    await sample('right after the last task', false);

    // Main thread: it kept ticking through the flood (no gap as long as the whole flood).
    expect(run.beats).toBeGreaterThan(1);
    expect(run.maxGapMs).toBeLessThan(run.wallMs);
    testInfo.annotations.push({
      type: 'page main thread',
      description:
        `flood ${run.wallMs.toFixed(0)} ms; longest task ${run.longestTaskMs.toFixed(0)} ms (${run.longTasks} long tasks); ` +
        `longest heartbeat gap ${run.maxGapMs.toFixed(0)} ms over ${run.beats} beats`,
    });

    // Every instance let go and collected: the page's own Tracker is the oracle.
    await page.evaluate(() => window.flood.release());
    const expected: Table = Object.fromEntries(
      Object.entries(SHARES).map(([type, share]) => {
        const created = TASKS * Math.round(CREATED * share);
        return [type, { live: 0, created, retired: created }];
      }),
    );
    await expect
      .poll(
        async () => {
          await collectGarbage(page);
          return page.evaluate(() => window.flood.localCounts());
        },
        { timeout: 60_000 },
      )
      .toEqual(Object.fromEntries(Object.entries(expected).map(([type, row]) => [type, { live: row.live, retired: row.retired }])));
    const stats = await page.evaluate(() => window.flood.stats());
    expect(stats).toMatchObject({ postedEvents: EVENTS, bufferedEvents: 0, droppedEvents: 0, postErrors: 0 });

    // A panel open throughout has every event, with nothing lost.
    await expectTable(panel, expected, { drops: NO_DROPS, timeout: 60_000 });
    expect(await totalEvents(panel)).toBe(EVENTS);

    const after = await sample('after, settled', true);
    expect(after.worker.retained, 'the service worker is running').toBeDefined();
    for (const { when, worker, panel: panelUsage } of samples) {
      expect(worker.retained?.used ?? 0, `worker heap retained, ${when}`).toBeLessThan(WORKER_HEAP_BOUND);
      expect(panelUsage.retained.used, `panel heap retained, ${when}`).toBeLessThan(PANEL_HEAP_BOUND);
    }
    const storageBytes = await extensionPage.evaluate(() => chrome.storage.session.getBytesInUse(null));
    const quota = await extensionPage.evaluate(() => chrome.storage.session.QUOTA_BYTES);
    expect(storageBytes).toBeLessThanOrEqual(quota);

    // A panel opened afterwards gets the worker's bounded history: the 8 MiB budget evicted the
    // oldest batches. It asks the agent for its running totals, so its counts are still the
    // page's own (the in-page Tracker's), and it says what the timeline and lists miss, and why.
    const late = await openPanel(tabId);
    await expect.poll(async () => (await readDrops(late))['historyMessages'] ?? 0).toBeGreaterThan(0);
    await expectTable(late, expected, { timeout: 30_000, message: 'a panel opened after history eviction shows the page totals' });
    const lateDrops = await readDrops(late);
    expect(lateDrops).toMatchObject({ agentEvents: 0, relayMessages: 0, invalidMessages: 0 });
    const lateTotal = await totalEvents(late);
    expect(lateTotal).toBeGreaterThan(0);
    expect(lateTotal).toBeLessThan(EVENTS);
    const partial = late.getByTestId('partial-detail');
    await expect(partial).toContainText('evicted from history or lost on the way');
    expect(Number(await partial.getAttribute('data-missed'))).toBe(EVENTS - lateTotal);
    testInfo.annotations.push(
      {
        type: 'panel opened after the flood',
        description: `shows ${lateTotal} of ${EVENTS} events; ${lateDrops['historyMessages']} messages evicted from history, ${lateDrops['gaps']} missing batches`,
      },
      { type: 'storage.session', description: `${mib(storageBytes)} in use of ${mib(quota)}` },
      {
        type: 'heap used, as found / retained',
        description: samples
          .map(
            (s) =>
              `${s.when}: worker ${mib(s.worker.found?.used)} / ${mib(s.worker.retained?.used)}, ` +
              `panel ${mib(s.panel.found.used)} / ${mib(s.panel.retained.used)}, page ${mib(s.page.found.used)} / ${mib(s.page.retained?.used)}`,
          )
          .join('; '),
      },
      { type: 'heap bounds', description: `worker < ${mib(WORKER_HEAP_BOUND)}, panel < ${mib(PANEL_HEAP_BOUND)} (panel keeps ≤ ${MAX_KEPT_EVENTS_PER_STREAM} events per frame)` },
    );
    await testInfo.attach('flood-figures.json', {
      contentType: 'application/json',
      body: JSON.stringify({ run, stats, samples, storageBytes, quota, late: { total: lateTotal, drops: lateDrops } }, null, 2),
    });
  } finally {
    await Promise.all([workerHeap.close(), pageHeap.close(), panelHeap.close()]);
  }
});
