/*
 * Retainer paths benchmark: the Playwright leak check (expectNoLeaks, 5 runs of a leaking
 * action) with retainer paths against the same check without them (`retainers: false`), on the
 * demo SPA and on a page holding 50,000 more live objects; and the snapshot parser's time and
 * retained memory per MB of snapshot against JSON.parse of the same text. Real headless
 * Chromium. Run: npm run bench -- retainers
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { expectNoLeaks } from '../playwright/index.js';
import { SnapshotParser } from '../playwright/heap/snapshot-parser.js';
import { takeSnapshot } from '../playwright/heap/take-snapshot.js';
import { startStaticServer } from '../../scripts/static-server.js';
import { BASE_ARGS, CHROMIUM } from '../../e2e/harness.js';
import { gcNow, median, printTable, type Row } from './measure.js';

const ROUNDS = 3;
const MB = 1024 * 1024;

const server = await startStaticServer({ '/demo/': 'dist/demo', '/': 'e2e/pages', '/agent/': 'dist/agent' });
const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });

/**
 * Wall ms of one leak check on a fresh page; the check must fail (the action leaks). With
 * `snapshotAfter`, then one heap snapshot of the same page alone (taken and parsed), in `snapshots`:
 * the floor of what paths add, whatever the rest costs.
 */
async function check(url: string, setUp: (page: Page) => Promise<void>, action: (page: Page) => Promise<void>, retainers: boolean, snapshots?: number[]): Promise<number> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await setUp(page);
  const started = performance.now();
  const error = await expectNoLeaks(page, () => action(page), { retainers }).then(() => null, (caught: Error) => caught);
  const ms = performance.now() - started;
  if (snapshots !== undefined) {
    const cdp = await context.newCDPSession(page);
    const taken = await takeSnapshot(cdp);
    snapshots.push(taken.ms);
  }
  await context.close();
  if (error === null || !error.message.includes('leaked')) throw new Error(`the check did not fail on a leak: ${error?.message}`);
  if (retainers !== error.message.includes('held by')) throw new Error(`retainers ${retainers} but the message is:\n${error.message}`);
  return ms;
}

async function compare(what: string, url: string, setUp: (page: Page) => Promise<void>, action: (page: Page) => Promise<void>): Promise<Row[]> {
  const without: number[] = [];
  const withPaths: number[] = [];
  const snapshots: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    without.push(await check(url, setUp, action, false, snapshots));
    withPaths.push(await check(url, setUp, action, true));
  }
  const base = median(without);
  const paths = median(withPaths);
  const snapshot = median(snapshots);
  return [
    { what: `${what}: check without paths (baseline)`, value: `${base.toFixed(0)} ms`, ratio: 1, target: '' },
    { what: `${what}: check with paths`, value: `${paths.toFixed(0)} ms`, ratio: paths / base, target: what.startsWith('demo') ? '≤ 1.5×' : '' },
    { what: `${what}: one heap snapshot alone, after the check (V8 + transport + our parse)`, value: `${snapshot.toFixed(0)} ms`, ratio: snapshot / base, target: '' },
  ];
}

const rows: Row[] = [];
const visitTodos = async (page: Page): Promise<void> => page.evaluate(() => (window as unknown as { demo: { visitTodos(): void } }).demo.visitTodos());
rows.push(...(await compare('demo SPA (?leak)', `${server.url}/demo/?leak`, async () => undefined, visitTodos)));
const leakPopup = async (page: Page): Promise<void> => void (await page.evaluate(() => (window as unknown as { fixture: { leakPopup(): number } }).fixture.leakPopup()));
const fill = async (page: Page): Promise<void> => page.evaluate(() => (window as unknown as { fixture: { fill(count: number): void } }).fixture.fill(50_000));
rows.push(...(await compare('50,000 live objects', `${server.url}/retainers/index.html`, fill, leakPopup)));

// The parser against JSON.parse, on the 50,000-object page's snapshot.
const context = await browser.newContext();
const page = await context.newPage();
await page.goto(`${server.url}/retainers/index.html`);
await fill(page);
const cdp = await context.newCDPSession(page);
await cdp.send('HeapProfiler.enable');
const chunks: string[] = [];
cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk));
await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
await context.close();
const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
const text = chunks.join('');

const parseTimes: number[] = [];
const jsonTimes: number[] = [];
let parseBytes = 0;
for (let round = 0; round < ROUNDS; round++) {
  await gcNow();
  let started = performance.now();
  const parser = new SnapshotParser();
  for (const chunk of chunks) parser.push(chunk);
  const snapshot = parser.finish();
  parseTimes.push(performance.now() - started);
  // Counted rather than measured: what the parser keeps is its typed arrays and strings (one
  // byte per Latin-1 character, two otherwise), and the path search adds 22 bytes per node.
  let stringBytes = 0;
  for (const string of snapshot.strings) stringBytes += /[^\u0000-\u00ff]/.test(string) ? string.length * 2 : string.length;
  parseBytes = snapshot.nodes.byteLength + snapshot.edges.byteLength + snapshot.firstEdge.byteLength + stringBytes + snapshot.nodeCount * 22;
  await gcNow();
  started = performance.now();
  JSON.parse(text);
  jsonTimes.push(performance.now() - started);
}
const sizeMb = size / MB;
const parseMs = median(parseTimes);
const jsonMs = median(jsonTimes);
rows.push(
  { what: `snapshot of the 50,000-object page`, value: `${sizeMb.toFixed(1)} MB`, ratio: null, target: '' },
  { what: 'JSON.parse per MB (baseline)', value: `${(jsonMs / sizeMb).toFixed(1)} ms (and the whole text held as one string first)`, ratio: 1, target: '' },
  { what: 'streamed parser per MB', value: `${(parseMs / sizeMb).toFixed(1)} ms, ${(parseBytes / size).toFixed(2)} B per B kept (parsed + path search)`, ratio: parseMs / jsonMs, target: 'memory ≤ 3× the snapshot' },
);
printTable(`Retainer paths (${ROUNDS} rounds, medians; ratio of time to the baseline)`, rows);
await browser.close();
await server.close();
