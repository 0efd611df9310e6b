/*
 * PostMessageTracker benchmark: main-thread time per 100,000 events (encoding, bundle previews,
 * and the structured clone window.postMessage makes, done here by a fake window), as a ratio to
 * the same loop creating plain objects without tracking; and the size of the batches on the wire
 * against plain event objects. Run: node --expose-gc --import tsx agent/bench/post-message.bench.ts
 */
import { decodeBatch } from '../protocol/decode.js';
import { BatchEncoder } from '../protocol/encode.js';
import { Op, PROTOCOL_VERSION, READS_ARRAY_VALUES, READS_REPEATS, RELAY_SOURCE, type AgentBatch } from '../protocol/messages.js';
import { PostMessageTracker } from '../post-message/post-message-tracker.js';
import type { MessageListener, PostMessageTarget } from '../post-message/host.js';
import { Trackable, setGlobalTracker } from '../trackable.js';
import { gcNow, median, middleHalf, printTable, type Row } from './measure.js';

const N = 100_000;
const ROUNDS = 41;

class Plain {
  a: number;
  constructor(i: number) {
    this.a = i;
  }
}

class Tracked extends Trackable {
  a: number;
  constructor(i: number) {
    super();
    this.a = i;
  }
}

/** Clones every message as window.postMessage does; keeps batches only when asked. */
class CloningWindow implements PostMessageTarget {
  batches: AgentBatch[] = [];
  keep = false;
  #listener: MessageListener | null = null;

  postMessage(message: unknown): void {
    const copy = structuredClone(message) as AgentBatch;
    if (this.keep && copy.kind === 'batch') this.batches.push(copy);
  }

  // Only `message`: the tracker also listens for ANNOUNCE_EVENT, which must not take the relay's place.
  addEventListener(type: string, listener: MessageListener): void {
    if (type === 'message') this.#listener = listener;
  }

  removeEventListener(type: string, listener: MessageListener): void {
    if (type === 'message' && this.#listener === listener) this.#listener = null;
  }

  /** The relay's ready, listing what it reads as the extension's content script does. */
  ready(): void {
    this.#listener?.({ source: this, data: { source: RELAY_SOURCE, v: PROTOCOL_VERSION, kind: 'ready', reads: [READS_REPEATS, READS_ARRAY_VALUES] } });
  }
}

const flushed = () => new Promise<void>((resolve) => queueMicrotask(resolve));

function connected(): { tracker: PostMessageTracker; window: CloningWindow } {
  const window = new CloningWindow();
  const tracker = new PostMessageTracker({ target: window });
  window.ready();
  return { tracker, window };
}

/**
 * Each variant's tracker, made on its first run and kept for every round, as a page keeps its
 * tracker: one made per run and dropped left V8 throwing away the optimized code of the path
 * between runs (deoptimized for "weak objects" after each collection), and every 100,000-event
 * run paid its warm-up again: 40-45 ms instead of 5-10 with no bundles.
 */
const pageTrackers = new Map<string, PostMessageTracker>();
function pageTracker(variant: string, make = () => connected().tracker): PostMessageTracker {
  let tracker = pageTrackers.get(variant);
  if (tracker === undefined) pageTrackers.set(variant, (tracker = make()));
  return tracker;
}

async function plain(): Promise<number> {
  const kept = new Array<object>(N);
  const start = performance.now();
  for (let i = 0; i < N; i++) kept[i] = new Plain(i);
  await flushed();
  const elapsed = performance.now() - start;
  if (kept.length !== N) throw new Error('unreachable');
  return elapsed;
}

/** The small bundles measured: a new object per event, as a page keeping a bundle current makes. */
const BUNDLES = {
  flat: (i: number) => ({ id: i, name: 'user', active: true }),
  'with a short array': (i: number) => ({ id: i, name: 'user', tags: ['a', 'b'] }),
  'with arrays in turn': (i: number) => ({ id: i, name: 'user', tags: i % 3 === 0 ? ['a', 'b'] : i % 3 === 1 ? ['a', 'c'] : ['d'] }),
  'with an array new every event': (i: number) => ({ id: i, name: 'user', range: [i, i + 10] }),
};
type BundleKind = keyof typeof BUNDLES;

/** Half attached, half destroyed events, as a page creating and dropping objects sends. */
async function events(tracker: PostMessageTracker, bundles: BundleKind | null): Promise<number> {
  const make = bundles === null ? null : BUNDLES[bundles];
  const kept = new Array<object>(N);
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    kept[i] = new Plain(i);
    const bundle = make === null ? undefined : make(i);
    if ((i & 1) === 0) tracker.notifyAttached(i + 1, Plain, bundle);
    else tracker.notifyDestroyed(i, Plain, bundle);
  }
  await flushed();
  const elapsed = performance.now() - start;
  if (kept.length !== N) throw new Error('unreachable');
  return elapsed;
}

/** The loop of `events` with bundles, each bundle turned into JSON by JSON.stringify instead: the bundle path's yardstick. */
async function stringified(bundles: BundleKind): Promise<number> {
  const make = BUNDLES[bundles];
  const kept = new Array<object>(N);
  let chars = 0;
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    kept[i] = new Plain(i);
    chars += JSON.stringify(make(i)).length;
  }
  await flushed();
  const elapsed = performance.now() - start;
  if (kept.length !== N || chars === 0) throw new Error('unreachable');
  return elapsed;
}

/**
 * Each bundle's JSON.stringify text encoded into a batch (one string per bundle) and posted with
 * its clone: the floor of bundles sent as text, the only form before bundles sent as values. No
 * text preview could make a bundle cheaper than this; values can.
 */
async function stringifiedAndPosted(): Promise<number> {
  const window = new CloningWindow();
  const encoder = new BatchEncoder(() => performance.now());
  const kept = new Array<object>(N);
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    kept[i] = new Plain(i);
    encoder.add((i & 1) === 0 ? Op.attached : Op.destroyed, (i & 1) === 0 ? i + 1 : i, 'Plain', JSON.stringify({ id: i, name: 'user', active: true }));
    if (encoder.size >= 5_000) window.postMessage(encoder.take('s', 'f', 1, 0));
  }
  const rest = encoder.take('s', 'f', 1, 0);
  if (rest !== null) window.postMessage(rest);
  await flushed();
  const elapsed = performance.now() - start;
  if (kept.length !== N) throw new Error('unreachable');
  return elapsed;
}

async function trackables(): Promise<number> {
  setGlobalTracker(pageTracker('Trackable construction'));
  const kept = new Array<object>(N);
  const start = performance.now();
  for (let i = 0; i < N; i++) kept[i] = new Tracked(i);
  await flushed();
  const elapsed = performance.now() - start;
  setGlobalTracker(null);
  if (kept.length !== N) throw new Error('unreachable');
  return elapsed;
}

const variants: Record<string, () => Promise<number>> = {
  plain,
  'no bundles': () => events(pageTracker('no bundles'), null),
  'small bundles': () => events(pageTracker('small bundles'), 'flat'),
  'JSON.stringify': () => stringified('flat'),
  'small bundles with a short array': () => events(pageTracker('small bundles with a short array'), 'with a short array'),
  'JSON.stringify, with a short array': () => stringified('with a short array'),
  'small bundles with arrays in turn': () => events(pageTracker('small bundles with arrays in turn'), 'with arrays in turn'),
  'JSON.stringify, with arrays in turn': () => stringified('with arrays in turn'),
  'small bundles with an array new every event': () => events(pageTracker('small bundles with an array new every event'), 'with an array new every event'),
  'JSON.stringify, with an array new every event': () => stringified('with an array new every event'),
  'JSON.stringify, encoded and posted': stringifiedAndPosted,
  // Page-long too: once its bound is reached, each run drops the oldest batches, as a page with no reader does.
  'no bundles, no relay (buffered)': () => events(pageTracker('no bundles, no relay (buffered)', () => new PostMessageTracker({ target: null })), null),
  'Trackable construction': trackables,
};

const samples = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
/**
 * The process's CPU ms of each run beside its wall clock: on a shared machine the wall clock
 * also counts the time spent waiting for a core, which swung the bundle ratio by 2× between runs.
 */
const cpuSamples = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, run] of Object.entries(variants)) {
    await gcNow();
    const before = process.cpuUsage();
    const value = await run();
    const cpu = process.cpuUsage(before);
    if (round > 0) {
      samples.get(name)!.push(value);
      cpuSamples.get(name)!.push((cpu.user + cpu.system) / 1000);
    }
  }
}

/** Bytes on the wire (JSON text, as Chrome serializes extension messages) for N events. */
async function wireSizes(bundles: BundleKind | null): Promise<{ compact: number; objects: number }> {
  const { tracker, window } = connected();
  window.keep = true;
  await events(tracker, bundles);
  const compact = window.batches.reduce((sum, batch) => sum + JSON.stringify(batch).length, 0);
  const objects = JSON.stringify(window.batches.flatMap(decodeBatch)).length;
  return { compact, objects };
}

const ms = (name: string) => median(samples.get(name)!);
const base = ms('plain');
const timeRow = (name: string, what: string, target = '≤ 10 ms (1 ms per 10,000)'): Row => ({
  what,
  value: `${ms(name).toFixed(2)} ms (+${(ms(name) - base).toFixed(2)} ms)`,
  ratio: ms(name) / base,
  target,
});
const cpu = (name: string) => median(cpuSamples.get(name)!);
/**
 * A bundle's own cost over JSON.stringify's, by process CPU time: the median of each round's own
 * ratio (a round runs every variant back to back, so a slow stretch of the machine weighs on both
 * sides of it), with the middle half of the rounds; the medians' ratio and the wall clock's beside.
 */
function bundleRow(what: string, name: string, target: string, yardstick = 'JSON.stringify'): Row {
  const perEvent = (ms: number) => `${((ms / N) * 1e6).toFixed(0)} ns`;
  const ownCpu = cpu(name) - cpu('no bundles');
  const jsonCpu = cpu(yardstick) - cpu('plain');
  const wallRatio = (ms(name) - ms('no bundles')) / (ms(yardstick) - base);
  const at = (variant: string, round: number) => cpuSamples.get(variant)![round]!;
  const { median: paired, low, high } = middleHalf(cpuSamples.get(name)!.map((_, r) => (at(name, r) - at('no bundles', r)) / (at(yardstick, r) - at('plain', r))));
  return {
    what,
    value: `${paired.toFixed(2)}× the median of the rounds' ratios (the middle half of them ${low.toFixed(2)}–${high.toFixed(2)}×); CPU medians ${perEvent(ownCpu)} vs ${perEvent(jsonCpu)}, ${(ownCpu / jsonCpu).toFixed(2)}× (wall clock: ${wallRatio.toFixed(2)}×)`,
    ratio: paired,
    target,
  };
}
const rows: Row[] = [
  { what: 'create 100,000 plain objects (baseline)', value: `${base.toFixed(2)} ms`, ratio: 1, target: '' },
  timeRow('no bundles', 'same + 100,000 events, no bundles, posted (structured clone)'),
  timeRow('small bundles', 'same + 100,000 events, each with a new small object bundle, posted', ''),
  timeRow('JSON.stringify', 'same loop, each new small bundle JSON.stringify-ed instead of notified (yardstick)', ''),
  timeRow('small bundles with a short array', 'same + 100,000 events, each with a new small bundle holding a short array, posted', ''),
  timeRow('JSON.stringify, with a short array', 'same loop, each such bundle JSON.stringify-ed instead (its yardstick)', ''),
  timeRow('JSON.stringify, encoded and posted', 'same loop, each JSON.stringify text encoded into a batch and posted (the floor of bundles as text)', ''),
  bundleRow('a small bundle {id, name, active} captured and posted (sent as values), × JSON.stringify of it (bundles row − no-bundles row) / (yardstick − baseline)', 'small bundles', '≤ 1.5×'),
  bundleRow(
    'a small bundle with a short array {id, name, tags: [a, b]} captured and posted (its elements as values), × JSON.stringify of it',
    'small bundles with a short array',
    '≤ 1.5×',
    'JSON.stringify, with a short array',
  ),
  bundleRow(
    'a small bundle whose short array takes turns among three lists {id, name, tags: [a, b] | [a, c] | [d]}, × JSON.stringify of it',
    'small bundles with arrays in turn',
    '≤ 1.5×',
    'JSON.stringify, with arrays in turn',
  ),
  bundleRow(
    'a small bundle whose short array is new every event {id, name, range: [i, i + 10]}, × JSON.stringify of it',
    'small bundles with an array new every event',
    '≤ 1.5×',
    'JSON.stringify, with an array new every event',
  ),
  bundleRow('for comparison: a JSON.stringify text encoded and posted (one text per bundle, as bundles went before values), × JSON.stringify of it', 'JSON.stringify, encoded and posted', ''),
  timeRow('no bundles, no relay (buffered)', 'same + 100,000 events, no bundles, no relay: buffered'),
  timeRow('Trackable construction', '100,000 Trackable constructions, PostMessageTracker global', ''),
];
for (const bundles of [null, 'flat', 'with a short array'] as const) {
  const { compact, objects } = await wireSizes(bundles);
  rows.push({
    what: `batch bytes per event, ${bundles === null ? 'no bundles' : `small bundles, ${bundles}`} (vs plain {op, serial, type, time, bundle} objects)`,
    value: `${(compact / N).toFixed(1)} B (objects: ${(objects / N).toFixed(1)} B)`,
    ratio: compact / objects,
    target: '',
  });
}
printTable(`PostMessageTracker — ${N.toLocaleString('en')} events per run, median of ${ROUNDS} rounds, main-thread time including postMessage's clone`, rows);
