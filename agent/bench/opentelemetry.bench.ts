/*
 * OpenTelemetryTracker against the built-in Tracker, measured in the same run: construction of
 * 1,000,000 kept instances, bytes per live instance, and destroyed notifications per second
 * (where the lifetime histogram records). The OpenTelemetry side is the real SDK: a
 * MeterProvider with a reader registered, collected once per round so the observable callback
 * runs too. Each variant runs in fresh Node processes, alternating (see core.bench.ts for why).
 */
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { Trackable, Tracker, setGlobalTracker, type TrackerProtocol } from '../../dist/agent/esm/index.js';
import { OpenTelemetryTracker } from '../../dist/agent/esm/opentelemetry/index.js';
import { bytesPerInstance, destroyedPerSecond, gcNow, median, medianOfFreshProcesses, printTable, type Row } from './measure.js';

const N = 1_000_000;
const ROUNDS = 5;
const PROCESSES = 3;

class Tracked extends Trackable {
  a: number;
  b: string;
  constructor(i: number) {
    super();
    this.a = i;
    this.b = 'x';
  }
}

const makeTracked = (i: number): object => new Tracked(i);

class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const reader = new PullReader();
const meterProvider = new MeterProvider({ readers: [reader] });

/**
 * The tracker under test. `retired` tells the destroyed loop when to stop: for the OpenTelemetry
 * tracker that takes a counting Tracker behind it, whose forward call is then part of the measured
 * cost (an upper bound); the construction and memory rows measure it alone.
 */
function newTracker(kind: 'tracker' | 'otel', countRetired: boolean): { tracker: TrackerProtocol; retired: () => number } {
  const counting = new Tracker();
  const retired = () => counting.get(Tracked)?.deallocated ?? 0;
  if (kind === 'tracker') return { tracker: counting, retired };
  return { tracker: new OpenTelemetryTracker({ meterProvider, forward: countRetired ? counting : undefined }), retired };
}

function construct(): number {
  const kept = new Array<object>(N);
  const start = performance.now();
  for (let i = 0; i < N; i++) kept[i] = new Tracked(i);
  const elapsed = performance.now() - start;
  if (kept.length !== N) throw new Error('unreachable');
  return elapsed;
}

async function measure(variant: string): Promise<number> {
  const [what, kind] = variant.split(':') as [string, 'tracker' | 'otel'];
  const results: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const { tracker, retired } = newTracker(kind, what === 'destroyed');
    setGlobalTracker(tracker);
    let value: number;
    if (what === 'construct') value = construct();
    else if (what === 'heap') value = await bytesPerInstance(makeTracked, N);
    else if (what === 'destroyed') value = await destroyedPerSecond(makeTracked, retired, N);
    else throw new Error(`unknown variant ${variant}`);
    setGlobalTracker(null);
    await reader.collect();
    // Unregistered, it can be collected with its finalization registries, as the dropped
    // built-in Tracker is: otherwise this round's instances would be retired (and their
    // lifetimes recorded) during the next rounds, by this tracker only.
    if (tracker instanceof OpenTelemetryTracker) tracker.dispose();
    await gcNow();
    if (round > 0) results.push(value);
  }
  return median(results);
}

const variant = process.argv[2];
if (variant !== undefined) {
  console.log(await measure(variant));
} else {
  const variants = ['construct:tracker', 'construct:otel', 'heap:tracker', 'heap:otel', 'destroyed:tracker', 'destroyed:otel'];
  const value = medianOfFreshProcesses(import.meta.url, variants, PROCESSES);
  const ns = (ms: number) => `${((ms / N) * 1e6).toFixed(0)} ns/op`;
  const rows: Row[] = [
    { what: 'construction, Trackable subclass, built-in Tracker (baseline)', value: ns(value('construct:tracker')), ratio: 1, target: '' },
    {
      what: 'construction, Trackable subclass, OpenTelemetryTracker (SDK MeterProvider + reader)',
      value: ns(value('construct:otel')),
      ratio: value('construct:otel') / value('construct:tracker'),
      target: '≤ 1.15×',
    },
    { what: 'bytes per live tracked instance, built-in Tracker (baseline)', value: `${value('heap:tracker').toFixed(0)} B`, ratio: 1, target: '' },
    {
      what: 'bytes per live tracked instance, OpenTelemetryTracker',
      value: `${value('heap:otel').toFixed(0)} B`,
      ratio: value('heap:otel') / value('heap:tracker'),
      target: '',
    },
    { what: 'destroyed notifications per second, built-in Tracker (baseline)', value: `${(value('destroyed:tracker') / 1e6).toFixed(2)} M/s`, ratio: 1, target: '' },
    {
      what: 'destroyed notifications per second, OpenTelemetryTracker (histogram) forwarding to a Tracker',
      value: `${(value('destroyed:otel') / 1e6).toFixed(2)} M/s`,
      ratio: value('destroyed:otel') / value('destroyed:tracker'),
      target: '',
    },
  ];
  printTable(
    `OpenTelemetryTracker — ${N.toLocaleString('en')} instances kept alive; median of ${ROUNDS} rounds in each of ${PROCESSES} fresh processes per variant`,
    rows,
  );
}
