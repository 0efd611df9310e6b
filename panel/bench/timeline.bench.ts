/*
 * Timeline benchmark: a recording of 100,000 instances and 1,000,000 events (bench-recording.ts,
 * encoded by the agent's BatchEncoder, checked by checkRecording). Real Chromium, headless: the
 * built standalone viewer (dist/extension/viewer.html?src=) opens the recording, shows the
 * Timeline, and is panned for PAN_MS per scenario (wheel events and scrolling dispatched once per
 * animation frame; a real mouse drag over CDP). Frames per second and p95 frame time come from
 * requestAnimationFrame timestamps, against the same page's idle frame rate measured in this run.
 * What the store costs per event is panel/bench/ingest.bench.ts's.
 *
 * A plain Node script: it reports and exits 0 when a target is missed, non-zero only on errors.
 * Builds nothing: `npm run bench` builds first.
 * Run: node --import tsx panel/bench/timeline.bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import { printTable, type Row } from '../../agent/bench/measure.js';
import { checkRecording } from '../../agent/protocol/recording.js';
import { BASE_ARGS, CHROMIUM } from '../../e2e/harness.js';
import { startStaticServer } from '../../scripts/static-server.js';
import { benchRecording } from './bench-recording.js';

const INSTANCES = 100_000;
const EVENTS = 1_000_000;
const SECONDS = 60;
const IDLE_MS = 2_000;
const PAN_MS = 3_000;
const VIEWPORT = { width: 1600, height: 1000 };

const fmt = (value: number, digits = 1) => value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const recording = benchRecording(INSTANCES, EVENTS, SECONDS);
const checked = checkRecording(JSON.parse(JSON.stringify(recording)));
if (!checked.ok) throw new Error(`the generated recording is invalid: ${checked.reason}`);

interface FrameStats {
  fps: number;
  p95: number;
  worst: number;
  frames: number;
  /** Main-thread task time per frame (CDP TaskDuration): the headroom a 60 Hz cap hides. */
  busy?: number;
}

/** Installs the page-side helpers: rAF timestamps while `step` runs once per frame. */
async function installDriver(page: Page): Promise<void> {
  // tsx compiles with esbuild's keepNames: named functions call its __name helper, which the page lacks.
  await page.evaluate('globalThis.__name ??= (fn) => fn');
  await page.evaluate(() => {
    type Step = (frame: number) => void;
    const stats = (stamps: number[]) => {
      const deltas = stamps.slice(1).map((stamp, i) => stamp - stamps[i]!).sort((a, b) => a - b);
      return {
        fps: ((stamps.length - 1) / (stamps.at(-1)! - stamps[0]!)) * 1000,
        p95: deltas[Math.min(deltas.length - 1, Math.floor(deltas.length * 0.95))]!,
        worst: deltas.at(-1)!,
        frames: stamps.length,
      };
    };
    const canvas = document.querySelector<HTMLCanvasElement>('.timeline-scroll canvas')!;
    const scroller = canvas.parentElement!;
    const wheel = (deltaX: number): void => {
      const box = canvas.getBoundingClientRect();
      canvas.dispatchEvent(new WheelEvent('wheel', { deltaX, deltaY: 0, clientX: box.left + box.width / 2, clientY: box.top + box.height / 2, bubbles: true, cancelable: true }));
    };
    const steps: Record<string, Step> = {
      idle: () => {},
      // Panning right then back, ~25 px per frame.
      wheel: (frame) => wheel(frame % 240 < 120 ? 25 : -25),
      // Scrolling down through the lines (3 per frame) while panning.
      scroll: (frame) => {
        scroller.scrollTop += 48;
        wheel(frame % 240 < 120 ? 25 : -25);
      },
    };
    const record = (ms: number, step: Step) =>
      new Promise<ReturnType<typeof stats>>((done) => {
        const stamps: number[] = [];
        const tick = (stamp: number): void => {
          stamps.push(stamp);
          if (stamp - stamps[0]! >= ms) return done(stats(stamps));
          step(stamps.length);
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
    Object.assign(window, {
      benchRun: (name: string, ms: number) => record(ms, steps[name]!),
      benchRecord: (ms: number) => {
        (window as unknown as { benchRecorded: Promise<unknown> }).benchRecorded = record(ms, () => {});
      },
    });
  });
}

async function run(page: Page, name: string, ms: number): Promise<FrameStats> {
  return page.evaluate(([name, ms]) => (window as unknown as { benchRun(n: string, m: number): Promise<FrameStats> }).benchRun(name, ms), [name, ms] as const);
}

/** Runs `measure` and adds the main thread's task time per frame meanwhile. */
async function withBusy(cdp: CDPSession, measure: () => Promise<FrameStats>): Promise<FrameStats> {
  const task = async (): Promise<number> => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? Number.NaN) * 1000;
  };
  const before = await task();
  const stats = await measure();
  return { ...stats, busy: ((await task()) - before) / stats.frames };
}

/** A real mouse drag over CDP, left and right, while the page records its frames. */
async function drag(page: Page, ms: number): Promise<FrameStats> {
  const box = (await page.locator('.timeline-scroll canvas').boundingBox())!;
  const y = box.y + box.height / 2;
  let x = box.x + box.width / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.evaluate((ms) => (window as unknown as { benchRecord(m: number): void }).benchRecord(ms), ms);
  const end = Date.now() + ms;
  for (let i = 0; Date.now() < end; i++) {
    x += i % 60 < 30 ? 12 : -12;
    await page.mouse.move(x, y);
  }
  await page.mouse.up();
  return page.evaluate(() => (window as unknown as { benchRecorded: Promise<FrameStats> }).benchRecorded);
}

async function browser(dir: string): Promise<Row[]> {
  writeFileSync(join(dir, 'bench.json'), JSON.stringify(recording));
  const server = await startStaticServer({ '/': resolve('dist/extension'), '/recording/': dir });
  const launched = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: BASE_ARGS });
  try {
    const page = await launched.newPage({ viewport: VIEWPORT });
    const started = Date.now();
    await page.goto(`${server.url}/viewer.html?src=/recording/bench.json`);
    await page.getByRole('tab', { name: 'Timeline' }).click({ timeout: 120_000 });
    await page.getByTestId('timeline-summary').filter({ hasText: `${INSTANCES.toLocaleString('en')} instances` }).waitFor({ timeout: 120_000 });
    const loaded = Date.now() - started;
    const canvas = page.getByRole('application', { name: 'Lifelines by type and serial' });
    await canvas.focus();
    // A quarter of the session across the plot: bars start and end in view.
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await installDriver(page);
    const lines = await page.getByRole('table', { name: 'Visible lifelines' }).locator('tbody tr').count();

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const idle = await withBusy(cdp, () => run(page, 'idle', IDLE_MS));
    const scenarios: [string, FrameStats][] = [
      ['pan: a wheel event (deltaX 25 px) every frame', await withBusy(cdp, () => run(page, 'wheel', PAN_MS))],
      ['pan + scroll 3 lines every frame (through 100,000 lines)', await withBusy(cdp, () => run(page, 'scroll', PAN_MS))],
      ['pan: real mouse drag over CDP', await withBusy(cdp, () => drag(page, PAN_MS))],
    ];
    const frames = (stats: FrameStats) =>
      `${fmt(stats.fps)} fps (p95 ${fmt(stats.p95)} ms, worst ${fmt(stats.worst)} ms, ${stats.frames} frames; main thread busy ${fmt(stats.busy ?? Number.NaN)} ms/frame)`;
    return [
      { what: `load: viewer opens the 1,000,000-event recording (${fmt(JSON.stringify(recording).length / 1e6)} MB) until the Timeline shows it`, value: `${fmt(loaded, 0)} ms`, ratio: null, target: '' },
      { what: `idle page, Timeline shown, ${lines} instance lines in view (baseline)`, value: frames(idle), ratio: 1, target: '' },
      ...scenarios.map(([what, stats]): Row => ({ what, value: frames(stats), ratio: stats.fps / idle.fps, target: '≥ 30 fps' })),
    ];
  } finally {
    await launched.close();
    await server.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'trackables-timeline-bench-'));
try {
  const browserRows = await browser(dir);
  printTable(`Timeline in real Chromium (headless, ${VIEWPORT.width}×${VIEWPORT.height}) — frames while panning for ${PAN_MS / 1000} s`, browserRows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
