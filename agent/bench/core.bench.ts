/*
 * Agent core benchmark: ratios against a plain class with the same fields, measured in this run.
 * Each variant runs in a fresh Node process (same flags), alternating, so every one starts from
 * the same heap: in one long process the young generation grows with whatever ran before and
 * the plain baseline's cost swings by 40%. Measures the built agent in dist/.
 */
import { Trackable, Tracker, setGlobalTracker, setInstanceLookup, track } from '../../dist/agent/esm/index.js';
import { bytesPerInstance, destroyedPerSecond, gcNow, median, medianOfFreshProcesses, printTable, type Row } from './measure.js';

const N = 1_000_000;
const ROUNDS = 5;
const PROCESSES = 3;

class Plain {
  a: number;
  b: string;
  constructor(i: number) {
    this.a = i;
    this.b = 'x';
  }
}

class Tracked extends Trackable {
  a: number;
  b: string;
  constructor(i: number) {
    super();
    this.a = i;
    this.b = 'x';
  }
}

// One loop per class: a shared loop calling through a function parameter would be polymorphic
// and measure the call site instead of the constructors.
function constructPlain(): number {
  const kept = new Array<object>(N);
  const start = performance.now();
  for (let i = 0; i < N; i++) kept[i] = new Plain(i);
  const elapsed = performance.now() - start;
  if (kept.length !== N) throw new Error('unreachable');
  return elapsed;
}

function constructTracked(): number {
  const kept = new Array<object>(N);
  const start = performance.now();
  for (let i = 0; i < N; i++) kept[i] = new Tracked(i);
  const elapsed = performance.now() - start;
  if (kept.length !== N) throw new Error('unreachable');
  return elapsed;
}

// track(): a plain class tracked from its constructor, as a MobX store does with track(this).
class Tracked2 {
  a: number;
  b: string;
  constructor(i: number) {
    this.a = i;
    this.b = 'x';
    track(this);
  }
}

function constructWithTrack(): number {
  const kept = new Array<object>(N);
  const start = performance.now();
  for (let i = 0; i < N; i++) kept[i] = new Tracked2(i);
  const elapsed = performance.now() - start;
  if (kept.length !== N) throw new Error('unreachable');
  return elapsed;
}

/** One variant in this process: a warm-up round, then the median of ROUNDS. */
async function measure(variant: string): Promise<number> {
  const results: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    let value: number;
    if (variant === 'plain') value = constructPlain();
    else if (variant === 'none') value = constructTracked();
    else if (variant === 'tracker') {
      setGlobalTracker(new Tracker());
      value = constructTracked();
      setGlobalTracker(null);
    } else if (variant === 'track') {
      setGlobalTracker(new Tracker());
      value = constructWithTrack();
      setGlobalTracker(null);
    } else if (variant === 'lookup') {
      setInstanceLookup(Tracked);
      setGlobalTracker(new Tracker());
      value = constructTracked();
      setGlobalTracker(null);
      setInstanceLookup(Tracked, false);
    } else if (variant === 'heap-plain') value = await bytesPerInstance((i) => new Plain(i), N);
    else if (variant === 'heap-tracker') {
      setGlobalTracker(new Tracker());
      value = await bytesPerInstance((i) => new Tracked(i), N);
      setGlobalTracker(null);
    } else if (variant === 'heap-lookup') {
      setInstanceLookup(Tracked);
      setGlobalTracker(new Tracker());
      value = await bytesPerInstance((i) => new Tracked(i), N);
      setGlobalTracker(null);
      setInstanceLookup(Tracked, false);
    } else if (variant === 'destroyed') {
      const tracker = new Tracker();
      setGlobalTracker(tracker);
      value = await destroyedPerSecond((i) => new Tracked(i), () => tracker.get(Tracked)?.deallocated ?? 0, N);
      setGlobalTracker(null);
    } else throw new Error(`unknown variant ${variant}`);
    await gcNow();
    if (round > 0) results.push(value);
  }
  return median(results);
}

const variant = process.argv[2];
if (variant !== undefined) {
  console.log(await measure(variant));
} else {
  const variants = ['plain', 'none', 'tracker', 'track', 'lookup', 'heap-plain', 'heap-tracker', 'heap-lookup', 'destroyed'];
  const value = medianOfFreshProcesses(import.meta.url, variants, PROCESSES);
  const ns = (ms: number) => `${((ms / N) * 1e6).toFixed(0)} ns/op`;
  const rows: Row[] = [
    { what: 'construction, plain class with 2 fields (baseline)', value: ns(value('plain')), ratio: 1, target: '' },
    { what: 'construction, Trackable subclass, no tracker', value: ns(value('none')), ratio: value('none') / value('plain'), target: '≤ 1.3×' },
    { what: 'construction, Trackable subclass, built-in Tracker', value: ns(value('tracker')), ratio: value('tracker') / value('plain'), target: '≤ 2.2×' },
    {
      what: 'construction, plain class calling track(this), built-in Tracker (× the Trackable subclass row)',
      value: ns(value('track')),
      ratio: value('track') / value('tracker'),
      target: '≤ 1.2×',
    },
    {
      what: 'construction, Trackable subclass, built-in Tracker, instance lookup on',
      value: ns(value('lookup')),
      ratio: value('lookup') / value('plain'),
      target: '',
    },
    {
      what: 'extra bytes per live tracked instance (Tracker)',
      value: `${(value('heap-tracker') - value('heap-plain')).toFixed(0)} B (plain: ${value('heap-plain').toFixed(0)} B)`,
      ratio: value('heap-tracker') / value('heap-plain'),
      target: '≤ 100 B',
    },
    {
      what: 'extra bytes per live tracked instance (Tracker, instance lookup on)',
      value: `${(value('heap-lookup') - value('heap-plain')).toFixed(0)} B`,
      ratio: value('heap-lookup') / value('heap-plain'),
      target: '',
    },
    { what: 'destroyed notifications per second (forced GC + callbacks)', value: `${(value('destroyed') / 1e6).toFixed(2)} M/s`, ratio: null, target: '≥ 5 M/s' },
  ];
  printTable(
    `Agent core — ${N.toLocaleString('en')} instances kept alive; median of ${ROUNDS} rounds in each of ${PROCESSES} fresh processes per variant`,
    rows,
  );
}
