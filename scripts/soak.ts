// `npx tsx scripts/soak.ts [--minutes 30] [--objects-per-second 2000] [--out docs/soak-<date>.json]`:
// steady churn on e2e/pages/flood.html (objects created, half given a bundle, let go a task
// later) for N minutes with the built extension loaded and the panel open, sampling once a
// minute what CDP can measure: the service worker's, the panel's and the page's JS heap (the
// page's includes the content script: one isolate), the panel's DOM counters, the agent's event
// count, the panel's total and drop counters, storage.session bytes and the page's longest task.
// Prints a table, writes JSON. Not part of `npm test`: it takes as long as it is told to.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from '@playwright/test';
import { extensionIdOf, launchWithExtension, openHarnessPage, openPanel, openTab, startFixtureServer } from '../e2e/harness.js';
import { mib, PageHeap, WorkerHeap } from '../e2e/heap.js';
import { readCounts, readDrops } from '../e2e/panel.js';
import '../e2e/flood-api.js';

const USAGE = 'usage: npx tsx scripts/soak.ts [--minutes 30] [--objects-per-second 2000] [--out docs/soak-<date>.json]';
/** Churn tasks per second: the objects of a second are spread over them. */
const TASKS_PER_SECOND = 10;
const SAMPLE_EVERY_MS = 60_000;
/** How long the end may take to settle (collect everything, panel catching up). */
const SETTLE_MS = 120_000;
const COLUMNS = ['min', 'events posted', 'panel total', 'drops', 'worker heap', 'panel heap', 'page heap', 'panel nodes', 'storage', 'long task', 'max gap'];
const WIDTHS = [4, 14, 14, 6, 22, 22, 22, 12, 10, 10, 9];

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'objects-per-second': { type: 'string', default: '2000' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
const minutes = Number(values.minutes);
const objectsPerSecond = Number(values['objects-per-second']);
if (values.help || !(minutes > 0) || !(objectsPerSecond >= TASKS_PER_SECOND)) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
const out = values.out ?? `docs/soak-${new Date().toISOString().slice(0, 10)}.json`;
const perTask = Math.round(objectsPerSecond / TASKS_PER_SECOND);

interface Sample {
  minute: number;
  /** Events the agent posted so far, and what the panel shows it received. */
  posted: number;
  panelTotal: number;
  drops: Record<string, number>;
  /** Heap used, bytes: as found and retained (after a forced full GC of that heap). */
  worker: { found: number | undefined; retained: number | undefined };
  panel: { found: number; retained: number };
  page: { found: number; retained: number };
  panelDom: { nodes: number; jsEventListeners: number };
  storageBytes: number;
  /** The page's main thread since the previous sample: longest long task and longest heartbeat gap, ms. */
  longestTaskMs: number;
  maxGapMs: number;
}

const server = await startFixtureServer();
const userDataDir = mkdtempSync(join(tmpdir(), 'trackables-soak-'));
const context = await launchWithExtension(userDataDir);
const samples: Sample[] = [];
try {
  const extensionId = await extensionIdOf(context);
  const harness = await openHarnessPage(context, extensionId);
  const { page, tabId } = await openTab(context, harness, `${server.url}/flood.html`);
  const panel = await openPanel(context, extensionId, tabId);
  await panel.locator('[data-connection="connected"]').waitFor();
  const workerHeap = await WorkerHeap.open(context, extensionId);
  const pageHeap = await PageHeap.open(context, page);
  const panelHeap = await PageHeap.open(context, panel);

  const take = async (minute: number): Promise<Sample> => {
    const { postedEvents } = await page.evaluate(() => window.flood.stats());
    const health = await page.evaluate(() => window.flood.health());
    const sample: Sample = {
      minute,
      posted: postedEvents,
      panelTotal: await totalEvents(panel),
      drops: await readDrops(panel),
      worker: { found: (await workerHeap.usage())?.used, retained: (await workerHeap.usage({ collect: true }))?.used },
      panel: { found: (await panelHeap.usage()).used, retained: (await panelHeap.usage({ collect: true })).used },
      page: { found: (await pageHeap.usage()).used, retained: (await pageHeap.usage({ collect: true })).used },
      panelDom: await panelHeap.domCounters(),
      storageBytes: await harness.evaluate(() => chrome.storage.session.getBytesInUse(null)),
      longestTaskMs: health.longestTaskMs,
      maxGapMs: health.maxGapMs,
    };
    // The forced GC of the page stalls its main thread: not the extension's doing.
    await page.evaluate(() => window.flood.resetHealth());
    samples.push(sample);
    printRow(sample);
    return sample;
  };

  console.log(`Soak: ${minutes} min, ${objectsPerSecond} objects/s (${perTask} per task, ${TASKS_PER_SECOND} tasks/s, half with a bundle) → ~${(objectsPerSecond * 2.5).toLocaleString('en')} events/s`);
  printHeader();
  await page.evaluate(() => window.flood.watch());
  await take(0);
  await page.evaluate(([created, everyMs]) => window.flood.startChurn(created, everyMs), [perTask, 1000 / TASKS_PER_SECOND] as const);
  const started = Date.now();
  for (let minute = 1; minute <= minutes; minute++) {
    // The sampling interval itself: the soak runs for as long as it is told.
    await new Promise((resolve) => setTimeout(resolve, started + minute * SAMPLE_EVERY_MS - Date.now()));
    await take(minute);
  }
  await page.evaluate(() => window.flood.stopChurn());

  const final = await settle(page, panel, pageHeap);
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const report = {
    date: new Date().toISOString(),
    options: { minutes, objectsPerSecond, tasksPerSecond: TASKS_PER_SECOND },
    samples,
    final,
    growth: {
      workerRetained: (last.worker.retained ?? 0) - (first.worker.retained ?? 0),
      panelRetained: last.panel.retained - first.panel.retained,
      pageRetained: last.page.retained - first.page.retained,
      panelDomNodes: last.panelDom.nodes - first.panelDom.nodes,
    },
  };
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(
    `\nAfter stopping: ${final.posted.toLocaleString('en')} events posted, panel shows ${final.panelTotal.toLocaleString('en')}; ` +
      `table ${final.tableMatchesPage ? 'matches' : 'DOES NOT match'} the page's own Tracker; drops ${JSON.stringify(final.drops)}`,
  );
  console.log(
    `Growth first → last sample (retained): worker ${mib(report.growth.workerRetained)}, panel ${mib(report.growth.panelRetained)}, ` +
      `page ${mib(report.growth.pageRetained)}, panel DOM nodes ${report.growth.panelDomNodes}`,
  );
  console.log(`Wrote ${out}`);
  await Promise.all([workerHeap.close(), pageHeap.close(), panelHeap.close()]);
} finally {
  await context.close();
  await server.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

async function totalEvents(panel: Page): Promise<number> {
  return Number(await panel.getByTestId('total-events').textContent());
}

/**
 * Lets go of everything, collects until the page's Tracker has every destroyed event, and waits
 * for the panel to show every posted event; then compares the panel's table with the page's.
 */
async function settle(page: Page, panel: Page, pageHeap: PageHeap) {
  await page.evaluate(() => window.flood.release());
  const deadline = Date.now() + SETTLE_MS;
  let local = await page.evaluate(() => window.flood.localCounts());
  while (Object.values(local).some(({ live }) => live > 0) && Date.now() < deadline) {
    await pageHeap.usage({ collect: true });
    local = await page.evaluate(() => window.flood.localCounts());
  }
  const { postedEvents } = await page.evaluate(() => window.flood.stats());
  let panelTotal = await totalEvents(panel);
  while (panelTotal < postedEvents && Date.now() < deadline) {
    // A poll interval: the condition is re-read every time.
    await new Promise((resolve) => setTimeout(resolve, 250));
    panelTotal = await totalEvents(panel);
  }
  const table = await readCounts(panel, ['live', 'retired']);
  return {
    posted: postedEvents,
    panelTotal,
    drops: await readDrops(panel),
    table,
    local,
    tableMatchesPage: JSON.stringify(sortKeys(table)) === JSON.stringify(sortKeys(local)),
  };
}

function sortKeys<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1));
}

function line(cells: string[]): string {
  return cells.map((cell, i) => cell.padStart(WIDTHS[i]!)).join(' ');
}

function printHeader(): void {
  console.log(line(COLUMNS));
  console.log(line(['', '', '', '(sum)', 'found / retained', 'found / retained', 'found / retained', '', '', 'ms', 'ms']));
}

function printRow(sample: Sample): void {
  const dropped = Object.values(sample.drops).reduce((sum, n) => sum + n, 0);
  console.log(
    line([
      String(sample.minute),
      sample.posted.toLocaleString('en'),
      sample.panelTotal.toLocaleString('en'),
      String(dropped),
      `${mib(sample.worker.found)} / ${mib(sample.worker.retained)}`,
      `${mib(sample.panel.found)} / ${mib(sample.panel.retained)}`,
      `${mib(sample.page.found)} / ${mib(sample.page.retained)}`,
      String(sample.panelDom.nodes),
      mib(sample.storageBytes),
      sample.longestTaskMs.toFixed(0),
      sample.maxGapMs.toFixed(0),
    ]),
  );
}
