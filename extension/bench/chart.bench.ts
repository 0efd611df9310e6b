/*
 * Live chart benchmark in real Chromium (headless, the built extension from dist/extension):
 * does the Types view's uPlot chart stay smooth while the page streams 50,000 events a second?
 *
 * The page (e2e/pages/bench.html, `bench.stream`) emits a steady stream paced by its own
 * animation frames, over 8 types whose live counts rise and fall. The panel, opened as
 * `panel.html?tabId=N` at 1400×900 on the Types view, records meanwhile: its animation frame
 * intervals, long tasks, the chart's redraws (uPlot clears its canvas once per draw: counted by
 * wrapping CanvasRenderingContext2D.clearRect for the chart's canvas, shipped code untouched),
 * its main thread's busy share (CDP TaskDuration), and each change of its `total-events`, set
 * against the page's emit log for the lag from emit to display. Baseline: the same panel, idle,
 * in the same run. Measured once the chart's series hold as many points as they ever will
 * (after WARM_UP_S of streaming), as in any session that has run for a while. Every run must end
 * with the panel's total equal to what the page's agent accounted for and every drop counter at
 * 0, else its drops are reported instead of figures.
 *
 * Page side: the main thread's busy share (CDP TaskDuration / wall time) while streaming
 * 50,000 events/s with the PostMessageTracker, against the same stream with no tracker.
 *
 * A plain Node script: it reports and exits 0 when a target is missed, non-zero only on errors.
 * Builds nothing: `npm run bench` builds first. CHART_DPR=2 runs the panel at a HiDPI pixel ratio;
 * CHART_PROFILE=<file.cpuprofile> also writes a CPU profile of the panel during one 50,000
 * events/s round (open it in DevTools' Performance panel).
 * Run: node --expose-gc --import tsx extension/bench/chart.bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from '@playwright/test';
import { median, printTable, type Row } from '../../agent/bench/measure.js';
import { extensionIdOf, launchWithExtension, openHarnessPage, openPanel, openTab, startFixtureServer } from '../../e2e/harness.js';
import { NO_DROPS, readDrops } from '../../e2e/panel.js';
import { waitForTotal } from './panel-total.js';

const RATES = [50_000, 200_000];
const SECONDS = 5;
const ROUNDS = 3;
const TYPES = 8;
/** One point per batch, a batch per page frame: MAX_POINTS (2,000) is reached after ~33 s. */
const WARM_UP_S = 40;
const VIEWPORT = { width: 1400, height: 900 };
/** The panel's device pixel ratio: CHART_DPR=2 for a HiDPI screen (the canvas has 4× the pixels). */
const DPR = Number(process.env['CHART_DPR'] ?? 1);
/** How long the panel's total may stand still before a run gives up on it. */
const STALL_MS = 10_000;

/** The page API of e2e/pages/bench.html that this benchmark uses. */
interface BenchApi {
  stream(eventsPerSecond: number, seconds: number, types: number, tracked?: boolean): Promise<{ events: number; log: [number, number][] }>;
  accounted(): Promise<number>;
}

/** What the panel page records over one window (see installRecorder). */
interface PanelRecord {
  /** requestAnimationFrame timestamps, ms. */
  frames: number[];
  /** Chart redraws. */
  draws: number;
  longTasks: number[];
  /** Each change of the total-events text: [epoch ms, total]. */
  totals: [number, number][];
  /** performance.now() at start and stop. */
  start: number;
  stop: number;
}

interface PanelApi {
  benchStart(): void;
  benchStop(): PanelRecord;
}

/** The bench page's window (not a global declaration: pipeline.bench.ts declares its own API). */
type BenchWindow = { bench: BenchApi };

/** TaskDuration so far, ms (CDP reports seconds). */
async function taskMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? Number.NaN) * 1000;
}

async function metricsOf(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return cdp;
}

/** Installs the panel page's recorder: window.benchStart() / window.benchStop(). */
async function installRecorder(panel: Page): Promise<void> {
  await panel.evaluate(() => {
    let record: PanelRecord | null = null;
    const clearRect = CanvasRenderingContext2D.prototype.clearRect;
    // uPlot clears its whole canvas at the start of every draw.
    CanvasRenderingContext2D.prototype.clearRect = function (this: CanvasRenderingContext2D, ...args: Parameters<typeof clearRect>) {
      if (record !== null && this.canvas.closest('.chart') !== null) record.draws++;
      return clearRect.apply(this, args);
    };
    const readTotal = (): number => Number(document.querySelector('[data-testid="total-events"]')?.textContent ?? Number.NaN);
    // A mutation callback runs right after React's commit: the moment the number is on screen.
    const totals = new MutationObserver(() => {
      const total = readTotal();
      if (record !== null && total !== record.totals.at(-1)?.[1]) record.totals.push([performance.timeOrigin + performance.now(), total]);
    });
    const longTasks = new PerformanceObserver((list) => {
      if (record !== null) for (const entry of list.getEntries()) record.longTasks.push(entry.duration);
    });
    // One chain of frame callbacks per window: a chain left from the previous window stops.
    const frames = (own: PanelRecord) => {
      const frame = (stamp: number): void => {
        if (record !== own) return;
        own.frames.push(stamp);
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    };
    const api: PanelApi = {
      benchStart() {
        record = { frames: [], draws: 0, longTasks: [], totals: [[performance.timeOrigin + performance.now(), readTotal()]], start: performance.now(), stop: 0 };
        totals.observe(document.body, { subtree: true, childList: true, characterData: true });
        longTasks.observe({ type: 'longtask' });
        frames(record);
      },
      benchStop() {
        const done = record!;
        // Long task entries are delivered after the task: take those still queued.
        for (const entry of longTasks.takeRecords()) done.longTasks.push(entry.duration);
        totals.disconnect();
        longTasks.disconnect();
        record = null;
        done.stop = performance.now();
        return done;
      },
    };
    Object.assign(window, api);
  });
}

/** Resolves when the panel's total reaches `target`; false when it stood still for STALL_MS first. */
async function reached(panel: Page, target: number): Promise<boolean> {
  return (await waitForTotal(panel, target, STALL_MS)).reachedAt !== null;
}

interface Run {
  panel: PanelRecord;
  /** Panel main-thread ms busy per wall ms. */
  panelBusy: number;
  /** Page main-thread ms busy per wall ms (streaming runs). */
  pageBusy: number;
  /** [epoch ms, events emitted since the run's start] per page frame; empty when idle. */
  log: [number, number][];
  /** The panel's total when the run started. */
  base: number;
}

class Bench {
  /** Events the agent accounted for so far: the panel's total must come to this. */
  expected = 0;
  readonly failures: string[] = [];

  constructor(
    readonly page: Page,
    readonly panel: Page,
    readonly pageCdp: CDPSession,
    readonly panelCdp: CDPSession,
  ) {}

  /** One window: idle for SECONDS when rate is 0, else a stream; null when the panel lost events. */
  async run(rate: number, profile?: string): Promise<Run | null> {
    const base = this.expected;
    const [pageBefore, panelBefore] = [await taskMs(this.pageCdp), await taskMs(this.panelCdp)];
    const started = performance.now();
    if (profile !== undefined) {
      await this.panelCdp.send('Profiler.enable');
      await this.panelCdp.send('Profiler.start');
    }
    await this.panel.evaluate(() => (window as unknown as PanelApi).benchStart());
    let log: [number, number][] = [];
    if (rate === 0) {
      // The measurement window itself, not a wait for an outcome.
      await new Promise((done) => setTimeout(done, SECONDS * 1000));
    } else {
      const streamed = await this.page.evaluate(([r, s, t]) => (window as unknown as BenchWindow).bench.stream(r, s, t), [rate, SECONDS, TYPES] as const);
      log = streamed.log;
      this.expected += streamed.events;
    }
    const pageAfter = await taskMs(this.pageCdp);
    const pageWall = performance.now() - started;
    const shown = await reached(this.panel, this.expected);
    const record = await this.panel.evaluate(() => (window as unknown as PanelApi).benchStop());
    const panelAfter = await taskMs(this.panelCdp);
    const panelWall = performance.now() - started;
    if (profile !== undefined) {
      const { profile: cpu } = await this.panelCdp.send('Profiler.stop');
      writeFileSync(profile, JSON.stringify(cpu));
    }
    const drops = await readDrops(this.panel);
    const lost = Object.entries(NO_DROPS).some(([key, zero]) => drops[key] !== zero);
    const accounted = await this.page.evaluate(() => (window as unknown as BenchWindow).bench.accounted());
    if (!shown || lost || accounted !== this.expected) {
      const total = await this.panel.getByTestId('total-events').textContent();
      this.failures.push(`${rate.toLocaleString('en')} events/s: panel shows ${total} of ${this.expected} (agent accounted for ${accounted}); drops ${JSON.stringify(drops)}`);
      return null;
    }
    return {
      panel: record,
      panelBusy: (panelAfter - panelBefore) / panelWall,
      pageBusy: (pageAfter - pageBefore) / pageWall,
      log,
      base,
    };
  }

  /**
   * Streams `rate` for `seconds` with (`tracked`) or without the tracker, until the panel shows
   * it all; returns the page's main-thread busy share meanwhile.
   */
  async stream(rate: number, seconds: number, tracked: boolean): Promise<number> {
    const before = await taskMs(this.pageCdp);
    const started = performance.now();
    const { events } = await this.page.evaluate(([r, s, t, k]) => (window as unknown as BenchWindow).bench.stream(r, s, t, k), [rate, seconds, TYPES, tracked] as const);
    const share = ((await taskMs(this.pageCdp)) - before) / (performance.now() - started);
    this.expected += events;
    if (!(await reached(this.panel, this.expected))) this.failures.push(`${rate.toLocaleString('en')} events/s: the panel never showed ${this.expected} events`);
    return share;
  }
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;

interface Summary {
  frameMedian: number;
  frameP95: number;
  frameMax: number;
  /** Share of frame intervals longer than 1.5× the display interval. */
  late: number;
  fps: number;
  redrawsPerSecond: number;
  longTasks: number;
  longTaskMs: number;
  panelBusy: number;
  pageBusy: number;
  lagMedian: number;
  lagP95: number;
  lagMax: number;
}

/** Pools the rounds of one scenario. `display`: the display interval, ms (the idle median). */
function summarize(runs: Run[], display: number): Summary {
  const intervals = runs.flatMap(({ panel }) => panel.frames.slice(1).map((stamp, i) => stamp - panel.frames[i]!)).sort((a, b) => a - b);
  const seconds = runs.reduce((sum, { panel }) => sum + (panel.stop - panel.start) / 1000, 0);
  const lags = runs
    .flatMap(({ panel, log, base }) =>
      panel.totals.flatMap(([shownAt, total]) => {
        const shown = total - base;
        if (shown <= 0) return [];
        // The first page frame whose batch brought the emitted count to what is shown.
        const emitted = log.find(([, count]) => count >= shown);
        return emitted === undefined ? [] : [shownAt - emitted[0]];
      }),
    )
    .sort((a, b) => a - b);
  const longTasks = runs.flatMap(({ panel }) => panel.longTasks);
  return {
    frameMedian: quantile(intervals, 0.5),
    frameP95: quantile(intervals, 0.95),
    frameMax: intervals.at(-1) ?? Number.NaN,
    late: intervals.filter((interval) => interval > 1.5 * display).length / intervals.length,
    fps: intervals.length / (intervals.reduce((sum, interval) => sum + interval, 0) / 1000),
    redrawsPerSecond: runs.reduce((sum, { panel }) => sum + panel.draws, 0) / seconds,
    longTasks: longTasks.length,
    longTaskMs: longTasks.reduce((sum, ms) => sum + ms, 0),
    panelBusy: median(runs.map((run) => run.panelBusy)),
    pageBusy: median(runs.map((run) => run.pageBusy)),
    lagMedian: quantile(lags, 0.5),
    lagP95: quantile(lags, 0.95),
    lagMax: lags.at(-1) ?? Number.NaN,
  };
}

const fmt = (value: number, digits = 1) => value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (share: number) => `${fmt(share * 100)} %`;

function rows(label: string, summary: Summary, idle: Summary | null): Row[] {
  const ratio = (value: number, base: number | undefined) => (base === undefined ? 1 : value / base);
  const s = summary;
  const list: Row[] = [
    {
      what: `${label}: panel frame interval median / p95 / max`,
      value: `${fmt(s.frameMedian)} / ${fmt(s.frameP95)} / ${fmt(s.frameMax)} ms (${fmt(s.fps)} fps)`,
      ratio: ratio(s.frameP95, idle?.frameP95),
      target: idle === null ? '' : 'p95 ≈ idle',
    },
    { what: `${label}: frames longer than 1.5× the display interval`, value: pct(s.late), ratio: null, target: '' },
    { what: `${label}: long tasks (count, total)`, value: `${s.longTasks} (${fmt(s.longTaskMs, 0)} ms)`, ratio: null, target: idle === null ? '' : '0' },
    { what: `${label}: chart redraws per second`, value: `${fmt(s.redrawsPerSecond)} (${pct(s.redrawsPerSecond / s.fps)} of frames)`, ratio: null, target: idle === null ? '' : '≈ display rate' },
    { what: `${label}: panel main thread busy`, value: pct(s.panelBusy), ratio: ratio(s.panelBusy, idle?.panelBusy), target: '' },
  ];
  if (idle !== null) {
    list.push({ what: `${label}: lag, page emit → panel total on screen, median / p95 / max`, value: `${fmt(s.lagMedian)} / ${fmt(s.lagP95)} / ${fmt(s.lagMax)} ms`, ratio: null, target: '' });
    list.push({ what: `${label}: page main thread busy (PostMessageTracker, panel open)`, value: pct(s.pageBusy), ratio: null, target: '' });
  }
  return list;
}

const server = await startFixtureServer();
const userDataDir = mkdtempSync(join(tmpdir(), 'trackables-chart-bench-'));
const context = await launchWithExtension(userDataDir);
try {
  const extensionId = await extensionIdOf(context);
  const harness = await openHarnessPage(context, extensionId);
  const { page, tabId } = await openTab(context, harness, `${server.url}/bench.html`);
  const panel = await openPanel(context, extensionId, tabId);
  const panelCdp = await metricsOf(panel);
  await panelCdp.send('Emulation.setDeviceMetricsOverride', { ...VIEWPORT, deviceScaleFactor: DPR, mobile: false });
  // uPlot reads the pixel ratio as it loads.
  await panel.reload();
  // tsx compiles with esbuild's keepNames: named functions call its __name helper, which the page lacks.
  await panel.evaluate('globalThis.__name ??= (fn) => fn');
  await panel.locator('[data-connection="connected"]').waitFor();
  if ((await panel.evaluate(() => devicePixelRatio)) !== DPR) throw new Error(`the panel's pixel ratio is not ${DPR}`);
  const bench = new Bench(page, panel, await metricsOf(page), panelCdp);
  bench.expected = await page.evaluate(() => (window as unknown as BenchWindow).bench.accounted());

  // Warm-up: the session (and so the chart) appears, the code of page, worker and panel warms up,
  // and the chart's series fill up to their bound (live-series.ts): from then on the chart draws
  // 1,000 to 2,000 points per type, as in any session older than WARM_UP_S.
  await bench.stream(RATES[0]!, WARM_UP_S, true);
  await panel.locator('.chart canvas').first().waitFor();
  await installRecorder(panel);
  const visibility = await Promise.all([page, panel].map((p) => p.evaluate(() => document.visibilityState)));
  if (visibility.some((state) => state !== 'visible')) throw new Error(`page / panel visibility: ${visibility.join(' / ')} (hidden pages get no frames)`);

  // Rounds interleave idle and each rate, so a noisy moment on the machine spreads over all of them.
  const runs = new Map<number, Run[]>([0, ...RATES].map((rate) => [rate, []]));
  for (let round = 0; round < ROUNDS && bench.failures.length === 0; round++) {
    for (const rate of [0, ...RATES]) {
      const run = await bench.run(rate);
      if (run === null) break;
      runs.get(rate)!.push(run);
    }
  }
  const profile = process.env['CHART_PROFILE'];
  if (profile !== undefined && bench.failures.length === 0) await bench.run(RATES[0]!, profile);

  const shares = { tracked: [] as number[], none: [] as number[] };
  for (let round = 0; round < ROUNDS && bench.failures.length === 0; round++) {
    shares.none.push(await bench.stream(RATES[0]!, SECONDS, false));
    shares.tracked.push(await bench.stream(RATES[0]!, SECONDS, true));
  }

  if (bench.failures.length > 0) {
    printTable('Live chart, real Chromium — LOST EVENTS (no figures)', bench.failures.map((failure) => ({ what: failure, value: '', ratio: null, target: '0 drops' })));
  } else {
    const idleFrames = runs.get(0)!.flatMap(({ panel: p }) => p.frames.slice(1).map((stamp, i) => stamp - p.frames[i]!));
    const display = median(idleFrames);
    const idle = summarize(runs.get(0)!, display);
    const chartRows = rows('idle (baseline)', idle, null);
    for (const rate of RATES) chartRows.push(...rows(`${rate.toLocaleString('en')} events/s`, summarize(runs.get(rate)!, display), idle));
    printTable(
      `Live chart in real Chromium (headless, panel ${VIEWPORT.width}×${VIEWPORT.height} at ${DPR}× pixel ratio, Types view) — ${ROUNDS} rounds of ${SECONDS} s per row, ${TYPES} types; display interval ${fmt(display)} ms`,
      chartRows,
    );
    const none = median(shares.none);
    const tracked = median(shares.tracked);
    printTable(`Page main thread while streaming ${RATES[0]!.toLocaleString('en')} events/s for ${SECONDS} s (CDP TaskDuration / wall time), median of ${ROUNDS}`, [
      { what: 'no tracker (baseline)', value: pct(none), ratio: 1, target: '' },
      { what: 'PostMessageTracker, panel open', value: `${pct(tracked)} (+${fmt((tracked - none) * 100)} points)`, ratio: tracked / none, target: '' },
    ]);
  }
} finally {
  await context.close();
  await server.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
