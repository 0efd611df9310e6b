import assert from 'node:assert/strict';
import { setTimeout as nextTask } from 'node:timers/promises';
import { afterEach, test } from 'node:test';
import { DataPointType, MeterProvider, MetricReader, type DataPoint, type Histogram, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { collectUntil } from '../test-support/collect.js';
import { Trackable, setGlobalTracker } from '../trackable.js';
import { Tracker } from '../tracker.js';
import { OVERFLOW_TYPE, OpenTelemetryTracker } from './opentelemetry-tracker.js';

afterEach(() => setGlobalTracker(null));

/** The SDK's own reader with nothing to push to: the test pulls with collect(). */
class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

function setUp(options: { maxTypes?: number; forward?: Tracker } = {}) {
  const reader = new PullReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const tracker = new OpenTelemetryTracker({ meterProvider, ...options });
  return { reader, meterProvider, tracker };
}

async function read(reader: MetricReader): Promise<ResourceMetrics> {
  const { resourceMetrics, errors } = await reader.collect();
  assert.deepEqual(errors, []);
  return resourceMetrics;
}

function points(metrics: ResourceMetrics, name: string): Map<string, DataPoint<unknown>> {
  const found = metrics.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === name);
  assert.ok(found, `metric ${name} exported`);
  return new Map(found.dataPoints.map((point) => [String(point.attributes['trackables.type']), point as DataPoint<unknown>]));
}

function value(metrics: ResourceMetrics, name: string, type: string): unknown {
  return points(metrics, name).get(type)?.value;
}

/** Forces full collections, collecting metrics after each, until `done` holds for what was exported. */
async function exportedAfterGc(reader: MetricReader, done: (metrics: ResourceMetrics) => boolean): Promise<ResourceMetrics> {
  for (let round = 0; round < 100; round++) {
    const metrics = await read(reader);
    if (done(metrics)) return metrics;
    await nextTask(0);
    globalThis.gc!();
  }
  assert.fail('the expected values were never exported after 100 forced collections');
}

class Apple extends Trackable {}
class Banana extends Trackable {
  static override trackingName = 'Yellow';
}

function allocateAndDrop(type: new () => Trackable, count: number): void {
  for (let i = 0; i < count; i++) new type();
}

test('exports live counts, created and retired counters, and lifetimes per type after GC', async () => {
  const { reader, tracker } = setUp();
  setGlobalTracker(tracker);
  const kept = [new Apple(), new Apple(), new Banana()];
  allocateAndDrop(Apple, 30);
  allocateAndDrop(Banana, 20);

  let metrics = await read(reader);
  assert.equal(value(metrics, 'trackables.instance.count', 'Apple'), 32);
  assert.equal(value(metrics, 'trackables.instance.count', 'Yellow'), 21);
  assert.equal(value(metrics, 'trackables.instance.created', 'Apple'), 32);

  metrics = await exportedAfterGc(reader, (m) => value(m, 'trackables.instance.retired', 'Apple') === 30 && value(m, 'trackables.instance.retired', 'Yellow') === 20);
  assert.equal(value(metrics, 'trackables.instance.count', 'Apple'), 2);
  assert.equal(value(metrics, 'trackables.instance.count', 'Yellow'), 1);
  assert.equal(value(metrics, 'trackables.instance.created', 'Apple'), 32);
  assert.equal(value(metrics, 'trackables.instance.retired', 'Apple'), 30);
  assert.equal(value(metrics, 'trackables.instance.retired', 'Yellow'), 20);

  const lifetimes = points(metrics, 'trackables.instance.lifetime');
  const apple = lifetimes.get('Apple')!;
  assert.equal(apple.value && (apple.value as Histogram).count, 30);
  assert.equal((lifetimes.get('Yellow')!.value as Histogram).count, 20);
  assert.ok((apple.value as Histogram).min! >= 0);
  assert.ok((apple.value as Histogram).max! < 60, 'lifetimes are seconds, not milliseconds');
  assert.equal(kept.length, 3);
});

test('instruments carry their units, descriptions and kinds', async () => {
  const { reader, tracker } = setUp();
  const apple = new Apple();
  apple.setTracker(tracker);
  const metrics = await read(reader);
  const byName = new Map(metrics.scopeMetrics.flatMap((scope) => scope.metrics).map((metric) => [metric.descriptor.name, metric]));
  assert.equal(metrics.scopeMetrics[0]!.scope.name, 'trackables');
  const count = byName.get('trackables.instance.count')!;
  assert.equal(count.descriptor.unit, '{instance}');
  assert.match(count.descriptor.description, /Live instances/);
  assert.equal(count.dataPointType, DataPointType.SUM);
  assert.equal('isMonotonic' in count && count.isMonotonic, false);
  const created = byName.get('trackables.instance.created')!;
  assert.equal('isMonotonic' in created && created.isMonotonic, true);
  assert.equal(created.descriptor.unit, '{instance}');
  assert.equal(byName.get('trackables.instance.retired')!.descriptor.unit, '{instance}');
  // No lifetime recorded yet: the histogram has no data point, so it is not exported.
  assert.equal(byName.has('trackables.instance.lifetime'), false);
  apple.setTracker(null);
  const after = await read(reader);
  assert.equal(value(after, 'trackables.instance.count', 'Apple'), 0, 'a detached instance leaves the count');
  assert.equal(value(after, 'trackables.instance.retired', 'Apple'), 0, '… without being retired');
});

test('the histogram has seconds as unit and buckets from milliseconds to a day', async () => {
  const { reader, tracker } = setUp();
  tracker.notifyAttached(1, Apple, undefined);
  tracker.notifyDestroyed(1, Apple, undefined);
  const metrics = await read(reader);
  const lifetime = metrics.scopeMetrics[0]!.metrics.find((metric) => metric.descriptor.name === 'trackables.instance.lifetime')!;
  assert.equal(lifetime.descriptor.unit, 's');
  const histogram = lifetime.dataPoints[0]!.value as Histogram;
  assert.equal(histogram.buckets.boundaries[0], 0.01);
  assert.equal(histogram.buckets.boundaries.at(-1), 86400);
});

test('a lifetime is the seconds from attachment to the destroyed notification', async () => {
  const { reader, tracker } = setUp();
  // Each clock read of the tracker happens between the reads around its call.
  const beforeAttach = performance.now();
  tracker.notifyAttached(1, Apple, undefined);
  const afterAttach = performance.now();
  await nextTask(300);
  const beforeDestroy = performance.now();
  tracker.notifyDestroyed(1, Apple, undefined);
  const afterDestroy = performance.now();
  const histogram = points(await read(reader), 'trackables.instance.lifetime').get('Apple')!.value as Histogram;
  assert.equal(histogram.count, 1);
  const [least, most] = [(beforeDestroy - afterAttach) / 1000, (afterDestroy - beforeAttach) / 1000];
  assert.ok(histogram.sum! >= least && histogram.sum! <= most, `${histogram.sum} s recorded, not in [${least}, ${most}]`);
  const bucket = histogram.buckets.boundaries.findIndex((bound) => histogram.sum! <= bound);
  assert.ok(bucket >= 2, 'over 0.1 s: in the third bucket or later');
  assert.equal(histogram.buckets.counts[bucket], 1, `counted in the bucket up to ${histogram.buckets.boundaries[bucket]} s`);
});

test('types past maxTypes report under the overflow value', async () => {
  const { reader, tracker } = setUp({ maxTypes: 3 });
  const classes = Array.from({ length: 6 }, (_, i) => ({ [`Type${i}`]: class extends Trackable {} })[`Type${i}`]!);
  classes.forEach((type, i) => {
    for (let n = 0; n <= i; n++) tracker.notifyAttached(100 + i * 10 + n, type, undefined);
  });
  const counts = points(await read(reader), 'trackables.instance.count');
  assert.deepEqual(
    [...counts].map(([name, point]) => [name, point.value]),
    [['Type0', 1], ['Type1', 2], ['Type2', 3], [OVERFLOW_TYPE, 4 + 5 + 6]],
  );
});

test('classes sharing a name share one series', async () => {
  const { reader, tracker } = setUp();
  const First = class Same extends Trackable {};
  const Second = class Same extends Trackable {};
  tracker.notifyAttached(1, First, undefined);
  tracker.notifyAttached(2, Second, undefined);
  assert.equal(value(await read(reader), 'trackables.instance.count', 'Same'), 2);
});

test('the forward tracker receives every notification, and its errors stay out of the app', async () => {
  const counting = new Tracker();
  const { reader, tracker } = setUp({ forward: counting });
  setGlobalTracker(tracker);
  const apple = new Apple();
  apple.setDataBundle({ user: 7 });
  counting.setObjectTracking(Apple);
  apple.setDataBundle('user 8');
  allocateAndDrop(Apple, 10);
  await collectUntil(() => counting.get(Apple)?.deallocated === 10, { what: 'the forward tracker to see 10 retired' });
  assert.equal(counting.get(Apple)?.allocated, 1);
  assert.deepEqual([...counting.get(Apple)!.objects!.values()], ['user 8']);
  assert.equal(value(await read(reader), 'trackables.instance.retired', 'Apple'), 10);

  const reported: unknown[] = [];
  const original = globalThis.reportError;
  globalThis.reportError = (error: unknown) => reported.push(error);
  try {
    const throwing = { notifyAttached: () => { throw new Error('forward broke'); } };
    const { reader: reader2, tracker: front } = setUp({ forward: throwing as unknown as Tracker });
    front.notifyAttached(1, Apple, undefined);
    assert.equal(reported.length, 1);
    assert.equal(value(await read(reader2), 'trackables.instance.count', 'Apple'), 1, 'counted despite the forward error');
  } finally {
    globalThis.reportError = original;
  }
  assert.equal(apple.constructor, Apple);
});

test('uses the global MeterProvider when none is given', async (t) => {
  const { metrics } = await import('@opentelemetry/api');
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  assert.ok(metrics.setGlobalMeterProvider(provider));
  t.after(() => metrics.disable());
  const tracker = new OpenTelemetryTracker();
  tracker.notifyAttached(1, Apple, undefined);
  assert.equal(value(await read(reader), 'trackables.instance.count', 'Apple'), 1);
});

test('after dispose, counts are no longer read and notifications are still forwarded', async () => {
  const counting = new Tracker();
  const { reader, tracker } = setUp({ forward: counting });
  tracker.notifyAttached(1, Apple, undefined);
  tracker.dispose();
  tracker.notifyAttached(2, Apple, undefined);
  assert.equal(counting.get(Apple)?.allocated, 2);
  const counts = (await read(reader)).scopeMetrics.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === 'trackables.instance.count');
  assert.equal(counts, undefined);
});

test('bad options get a clear error', () => {
  assert.throws(() => new OpenTelemetryTracker({ maxTypes: 0 }), /maxTypes.*whole number/);
  assert.throws(() => new OpenTelemetryTracker({ maxTypes: 2.5 }), /maxTypes/);
  assert.throws(() => new OpenTelemetryTracker({ meterProvider: {} as never }), /MeterProvider/);
  assert.throws(() => new OpenTelemetryTracker({ forward: 'x' as never }), /forward/);
  assert.throws(() => new OpenTelemetryTracker(null as never), /options object/);
});
