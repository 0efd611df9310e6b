/*
 * End-to-end pipeline benchmark in real Chromium (headless, the built extension from
 * dist/extension): agent (page) → content script → service worker → panel.
 *
 * (a) Events per second from the page's first emit until the panel's event total shows them
 *     all, with every drop counter at 0 (else the drops are reported instead of a rate).
 * (b) Page main-thread time of 100,000 Trackable constructions with the PostMessageTracker as
 *     global tracker, against the same loop without a tracker and with the core's in-page
 *     Tracker (whose cost, FinalizationRegistry registration included, is the agent core's
 *     and benchmarked in agent/bench), all measured in this run: with the panel open, with it
 *     closed (the worker still takes everything) and without the extension (the agent only
 *     buffers). Each mode runs in a page (tab) of its own, as a page keeps one tracker (LoopPages).
 *     With the extension, also the transport alone (the same events encoded beforehand, posted
 *     and relayed): the floor that ratio cannot go below whatever the agent's code does.
 * (c) Bytes of the agent's compact batches against the same events as plain objects.
 *
 * Every browser runs with its young generation pinned at one size (PINNED_YOUNG_GENERATION).
 *
 * A plain Node script, not a Playwright test: it reports and exits 0 when a target is missed,
 * non-zero only on errors. Builds nothing: `npm run bench` builds first.
 * Run: node --expose-gc --import tsx extension/bench/pipeline.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from '@playwright/test';
import { median, middleHalf, printTable, type Row } from '../../agent/bench/measure.js';
import { BASE_ARGS, CHROMIUM, extensionIdOf, launchWithExtension, openHarnessPage, openPanel, openTab, startFixtureServer } from '../../e2e/harness.js';
import { NO_DROPS, readDrops } from '../../e2e/panel.js';
import { armTotalWatch, waitForTotal } from './panel-total.js';

const PIPELINE_SIZES = [
  { events: 100_000, rounds: 5 },
  { events: 1_000_000, rounds: 3 },
];
/** Events per page task in (a): a busy page, yielding between tasks. */
const CHUNK = 10_000;
const LOOP_EVENTS = 100_000;
const LOOP_ROUNDS = 25;
/**
 * The young generation pinned at one size (V8's semi-spaces, 16 MB), in every browser this bench
 * launches. The loops keep their 100,000 instances alive, so their time is mostly scavenges,
 * and with V8's adaptive sizing those depended on how big the young generation happened to be:
 * the same Tracker loop took 28-67 ms from round to round, and one round's PostMessageTracker ÷
 * Tracker anything from 0.6 to 1.9. Pinned, the loop takes 22-27 ms and most rounds' ratios lie
 * within 0.1 of their median: the ratio measures the agent, not the heap's last resize.
 */
const PINNED_YOUNG_GENERATION = '--js-flags=--min-semi-space-size=16 --max-semi-space-size=16';
/** How long the panel's total may stand still before (a) gives up on a round. */
const STALL_MS = 10_000;

/** No tracker; the core's in-page Tracker (registration included); the agent's PostMessageTracker. */
const MODES = ['none', 'counting', 'streaming'] as const;
type Mode = (typeof MODES)[number];

/** The page API of e2e/pages/bench.html. */
interface BenchApi {
  emit(n: number, chunk: number): Promise<{ start: number; busy: number }>;
  release(): void;
  accounted(): Promise<number>;
  mainThread(n: number, mode: Mode): Promise<{ loop: number; relayed: number }>;
  prepareTransport(n: number): Promise<void>;
  transport(n: number): Promise<{ loop: number; relayed: number }>;
  batchBytes(n: number, withBundles: boolean): { compact: number; objects: number; events: number };
}

declare global {
  interface Window {
    bench: BenchApi;
  }
}

/** A page driven through the bench API, with a CDP session for GC and main-thread metrics. */
class Driven {
  /** Events the agent has emitted on this page so far: the panel's total must come to this. */
  expected = 0;

  private constructor(
    readonly page: Page,
    private readonly cdp: CDPSession,
  ) {}

  static async open(context: BrowserContext, page: Page): Promise<Driven> {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const driven = new Driven(page, cdp);
    driven.expected = await page.evaluate(() => window.bench.accounted());
    return driven;
  }

  /** TaskDuration and ScriptDuration so far, in ms (CDP reports seconds). */
  /**
   * Milliseconds so far: tasks on the page's main thread, script in them, and the main thread's
   * CPU time (ThreadTime: what the page's thread itself spent, without the time it waited for a
   * core while the worker and the panel ran on the other processes).
   */
  async metrics(): Promise<{ task: number; script: number; thread: number }> {
    const { metrics } = await this.cdp.send('Performance.getMetrics');
    const value = (name: string) => (metrics.find((metric) => metric.name === name)?.value ?? Number.NaN) * 1000;
    return { task: value('TaskDuration'), script: value('ScriptDuration'), thread: value('ThreadTime') };
  }

  /**
   * Lets go of every kept instance and collects until the agent has accounted for their
   * destroyed events, then until the panel (when given) shows them all: the next round starts
   * on a quiet page and a quiet extension.
   */
  async settle(destroyed: number, panel?: Page): Promise<void> {
    await this.page.evaluate(() => window.bench.release());
    this.expected += destroyed;
    const deadline = Date.now() + 60_000;
    for (;;) {
      await this.cdp.send('HeapProfiler.collectGarbage');
      const accounted = await this.page.evaluate(() => window.bench.accounted());
      if (accounted === this.expected) break;
      if (accounted > this.expected) throw new Error(`agent accounted for ${accounted} events, expected ${this.expected}`);
      if (Date.now() > deadline) throw new Error(`destroyed events: agent accounted for ${accounted} of ${this.expected}`);
    }
    if (panel !== undefined) {
      const total = await waitForTotal(panel, this.expected, 60_000);
      if (total.reachedAt === null) throw new Error(`panel shows ${total.total} events, expected ${this.expected}`);
    }
  }

  async close(): Promise<void> {
    await this.cdp.detach().catch(() => {});
  }
}

interface PipelineResult {
  events: number;
  /** Events per second of each round that lost nothing. */
  rates: number[];
  /** Main-thread ms the page spent in its emit loops, per round. */
  busy: number[];
  /** Drop counters of rounds that lost events (or stalled). */
  failures: string[];
}

async function pipeline(driven: Driven, panel: Page, events: number, rounds: number): Promise<PipelineResult> {
  const result: PipelineResult = { events, rates: [], busy: [], failures: [] };
  for (let round = 0; round < rounds; round++) {
    const target = driven.expected + events;
    await armTotalWatch(panel, target, STALL_MS);
    const { start, busy } = await driven.page.evaluate(([n, chunk]) => window.bench.emit(n, chunk), [events, CHUNK] as const);
    driven.expected = target;
    const { reachedAt, total } = await panel.evaluate(
      () => (window as unknown as { benchReached: Promise<{ reachedAt: number | null; total: number }> }).benchReached,
    );
    const drops = await readDrops(panel);
    const lost = Object.entries(NO_DROPS).some(([key, zero]) => drops[key] !== zero);
    if (reachedAt === null || lost) {
      result.failures.push(`shown ${total} of ${target}; drops ${JSON.stringify(drops)}`);
      // Whatever was lost will never arrive: count from what the panel shows from now on.
      return result;
    }
    result.rates.push(events / ((reachedAt - start) / 1000));
    result.busy.push(busy);
    await driven.settle(events, panel);
  }
  return result;
}

interface LoopSample {
  loop: number;
  relayed: number;
  task: number;
  script: number;
  thread: number;
}

/**
 * What the transport alone costs: the LOOP_EVENTS events of a streaming loop, encoded beforehand,
 * posted and relayed (`transport`), and the same call posting nothing (`idle`).
 */
const TRANSPORT_MODES = ['transport', 'idle'] as const;
type TransportMode = (typeof TRANSPORT_MODES)[number];

/**
 * Median ms per LOOP_EVENTS constructions, per mode; with the extension, the transport's too.
 * `paired`: each round's own PostMessageTracker ÷ Tracker in CPU time: the median, and the middle
 * half of the rounds (the first and third quartiles).
 */
type LoopResult = Record<Mode, LoopSample> & Partial<Record<TransportMode, LoopSample>> & { paired: ReturnType<typeof middleHalf> };

/**
 * The page each mode's loops run in, each its own (the transport's run in the streaming one). A
 * page keeps one tracker: loops of three modes in one page left V8's code for the construction
 * polymorphic in trackers and re-optimized at every switch, which no page does, and which cost
 * the streaming loop most (docs/BENCHMARKS.md).
 */
type LoopPages = Record<Mode, Driven>;

async function mainThread(pages: LoopPages, panel?: Page, withTransport = false): Promise<LoopResult> {
  const modes: (Mode | TransportMode)[] = withTransport ? [...MODES, ...TRANSPORT_MODES] : [...MODES];
  const samples: Record<Mode | TransportMode, LoopSample[]> = { none: [], counting: [], streaming: [], transport: [], idle: [] };
  for (let round = 0; round <= LOOP_ROUNDS; round++) {
    for (const mode of modes) {
      const transport = mode === 'transport' || mode === 'idle';
      const driven = transport ? pages.streaming : pages[mode];
      // The transport's batches are built before the measurement starts, in a call of their own.
      if (transport) await driven.page.evaluate((n) => window.bench.prepareTransport(n), mode === 'transport' ? LOOP_EVENTS : 0);
      const before = await driven.metrics();
      const { loop, relayed } =
        mode === 'transport' || mode === 'idle'
          ? await driven.page.evaluate((n) => window.bench.transport(n), mode === 'transport' ? LOOP_EVENTS : 0)
          : await driven.page.evaluate(([n, m]) => window.bench.mainThread(n, m), [LOOP_EVENTS, mode] as const);
      const after = await driven.metrics();
      const streamed = mode === 'streaming' || mode === 'transport' ? LOOP_EVENTS : 0;
      driven.expected += streamed;
      await driven.settle(streamed, driven === pages.streaming ? panel : undefined);
      // Round 0 warms up the page's code.
      if (round > 0) samples[mode].push({ loop, relayed, task: after.task - before.task, script: after.script - before.script, thread: after.thread - before.thread });
    }
  }
  const med = (list: LoopSample[]): LoopSample => ({
    loop: median(list.map((s) => s.loop)),
    relayed: median(list.map((s) => s.relayed)),
    task: median(list.map((s) => s.task)),
    script: median(list.map((s) => s.script)),
    thread: median(list.map((s) => s.thread)),
  });
  // The two loops of a round run back to back: a slow stretch of the shared machine weighs on both.
  const paired = middleHalf(samples.streaming.map((sample, round) => sample.thread / samples.counting[round]!.thread));
  const result: LoopResult = { none: med(samples.none), counting: med(samples.counting), streaming: med(samples.streaming), paired };
  if (withTransport) [result.transport, result.idle] = [med(samples.transport), med(samples.idle)];
  return result;
}

const fmt = (value: number, digits = 2) => value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function loopRows(condition: string, result: LoopResult): Row[] {
  const { none, counting, streaming } = result;
  const target = '≤ +10 ms (1 ms per 10,000)';
  const n = LOOP_EVENTS.toLocaleString('en');
  const plus = (value: number, base: number) => `${fmt(value)} ms (+${fmt(value - base)} ms)`;
  return [
    { what: `${condition}: ${n} constructions, no tracker (baseline), until the next task`, value: `${fmt(none.loop)} ms`, ratio: 1, target: '' },
    {
      what: `${condition}: same, in-page Tracker global (the core's cost, FinalizationRegistry included)`,
      value: plus(counting.loop, none.loop),
      ratio: counting.loop / none.loop,
      target: '',
    },
    {
      what: `${condition}: same, PostMessageTracker global, until the page's relay handled every batch`,
      value: plus(streaming.relayed, none.relayed),
      ratio: streaming.relayed / none.relayed,
      target,
    },
    {
      what: `${condition}: the pipeline's share (PostMessageTracker − Tracker, both until relayed)`,
      value: `${streaming.relayed >= counting.relayed ? '+' : '−'}${fmt(Math.abs(streaming.relayed - counting.relayed))} ms`,
      ratio: streaming.relayed / counting.relayed,
      target,
    },
    {
      what: `${condition}: the pipeline's share in the page main thread's CPU time (CDP ThreadTime, PostMessageTracker − Tracker)`,
      value: `${streaming.thread >= counting.thread ? '+' : '−'}${fmt(Math.abs(streaming.thread - counting.thread))} ms (no tracker ${fmt(none.thread)}, Tracker ${fmt(counting.thread)}, PostMessageTracker ${fmt(streaming.thread)} ms)`,
      ratio: streaming.thread / counting.thread,
      target,
    },
    {
      what: `${condition}: PostMessageTracker ÷ Tracker in the page main thread's CPU time, the median of each round's own ratio (the two loops of a round run back to back)`,
      value: `${fmt(result.paired.median)}× over ${LOOP_ROUNDS} rounds (the middle half of them ${fmt(result.paired.low)}–${fmt(result.paired.high)}×)`,
      ratio: result.paired.median,
      target: '≤ 1.1× (issue #13)',
    },
    ...transportRows(condition, result),
    {
      what: `${condition}: CDP TaskDuration (ScriptDuration), PostMessageTracker vs no tracker`,
      value: `${fmt(streaming.task)} (${fmt(streaming.script)}) ms vs ${fmt(none.task)} (${fmt(none.script)}) ms`,
      ratio: streaming.task / none.task,
      target: '',
    },
  ];
}

/**
 * The floor under "PostMessageTracker ÷ Tracker": the page's CPU time for the transport alone (the
 * same events, encoded beforehand, posted and relayed, less the same call posting nothing) added
 * to the Tracker loop. No agent code can bring the ratio below it with this wire format.
 */
function transportRows(condition: string, result: LoopResult): Row[] {
  const { counting, streaming, transport, idle } = result;
  if (transport === undefined || idle === undefined) return [];
  const n = LOOP_EVENTS.toLocaleString('en');
  const wire = transport.thread - idle.thread;
  return [
    {
      what: `${condition}: the transport alone in the page main thread's CPU time (the ${n} events' batches encoded beforehand, posted and relayed, less the same call posting nothing), added to the Tracker loop: the floor of the ratio above`,
      value: `+${fmt(wire)} ms (${fmt(transport.thread)} − ${fmt(idle.thread)} ms); the rest of PostMessageTracker − Tracker (the agent's code, and what its loop running alongside the worker and the panel adds): ${fmt(streaming.thread - counting.thread - wire)} ms`,
      ratio: (counting.thread + wire) / counting.thread,
      target: '',
    },
  ];
}

async function withExtension(origin: string, userDataDir: string): Promise<{ pipelineRows: Row[]; loopRows: Row[]; byteRows: Row[] }> {
  const context = await launchWithExtension(userDataDir, [PINNED_YOUNG_GENERATION]);
  try {
    const extensionId = await extensionIdOf(context);
    const harness = await openHarnessPage(context, extensionId);
    const { page, tabId } = await openTab(context, harness, `${origin}/bench.html`);
    const driven = await Driven.open(context, page);
    const tabDriven = async () => Driven.open(context, (await openTab(context, harness, `${origin}/bench.html`)).page);
    const panel = await openPanel(context, extensionId, tabId);
    await panel.locator('[data-connection="connected"]').waitFor();

    // A warm-up round for the page, the extension's code and the panel.
    await pipeline(driven, panel, PIPELINE_SIZES[0]!.events, 1);
    const pipelineRows: Row[] = [];
    for (const { events, rounds } of PIPELINE_SIZES) {
      const result = await pipeline(driven, panel, events, rounds);
      const n = events.toLocaleString('en');
      if (result.failures.length > 0) {
        pipelineRows.push({ what: `${n} events agent → panel: LOST EVENTS`, value: result.failures.join('; '), ratio: null, target: '0 drops' });
        break;
      }
      const rate = median(result.rates);
      pipelineRows.push({
        what: `${n} events agent → panel (tasks of ${CHUNK.toLocaleString('en')}), nothing dropped`,
        value: `${fmt(rate / 1e6, 3)} M events/s (${fmt((events / rate) * 1000, 0)} ms; page busy ${fmt(median(result.busy), 0)} ms)`,
        ratio: null,
        target: '≥ 1 M/s',
      });
    }

    const loopPages: LoopPages = { streaming: driven, none: await tabDriven(), counting: await tabDriven() };
    const loops = [...loopRows('panel open', await mainThread(loopPages, panel, true))];
    await panel.close();
    loops.push(...loopRows('panel closed', await mainThread(loopPages, undefined, true)));

    const byteRows: Row[] = [];
    for (const withBundles of [false, true]) {
      const { compact, objects, events } = await page.evaluate(([n, b]) => window.bench.batchBytes(n, b), [LOOP_EVENTS, withBundles] as const);
      byteRows.push({
        what: withBundles
          ? 'batch bytes per event, attached + updated with a small object bundle (vs plain {op, serial, type, time, bundle} objects)'
          : 'batch bytes per event, attached, no bundles (vs plain {op, serial, type, time, bundle} objects)',
        value: `${fmt(compact / events, 1)} B (objects: ${fmt(objects / events, 1)} B)`,
        ratio: compact / objects,
        target: '',
      });
    }
    for (const each of Object.values(loopPages)) await each.close();
    return { pipelineRows, loopRows: loops, byteRows };
  } finally {
    await context.close();
  }
}

async function withoutExtension(origin: string): Promise<Row[]> {
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...BASE_ARGS, PINNED_YOUNG_GENERATION] });
  try {
    const context = await browser.newContext();
    const pageDriven = async () => {
      const page = await context.newPage();
      await page.goto(`${origin}/bench.html`);
      return Driven.open(context, page);
    };
    const loopPages: LoopPages = { none: await pageDriven(), counting: await pageDriven(), streaming: await pageDriven() };
    const rows = loopRows('no extension (agent buffers)', await mainThread(loopPages));
    for (const each of Object.values(loopPages)) await each.close();
    return rows;
  } finally {
    await browser.close();
  }
}

const server = await startFixtureServer();
const userDataDir = mkdtempSync(join(tmpdir(), 'trackables-bench-'));
try {
  const { pipelineRows, loopRows: loops, byteRows } = await withExtension(server.url, userDataDir);
  loops.push(...(await withoutExtension(server.url)));
  printTable(
    `Pipeline, real Chromium — agent → content script → worker → panel; median of ${PIPELINE_SIZES.map((s) => `${s.rounds} rounds of ${s.events.toLocaleString('en')}`).join(', ')}`,
    pipelineRows,
  );
  printTable(`Page main thread, real Chromium — ${LOOP_EVENTS.toLocaleString('en')} Trackable constructions, median of ${LOOP_ROUNDS} rounds`, loops);
  printTable(`Batch size on the wire — ${LOOP_EVENTS.toLocaleString('en')} instances, measured in the page`, byteRows);
} finally {
  await server.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
