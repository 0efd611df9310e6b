/*
 * pytracker's own tests (pyt_tests/tests.py: test_trackable1–3) and its trydump.py scenario,
 * ported. Python frees an object as soon as its last reference goes; here, dropping a reference
 * is followed by forced collections until the tracker has seen the destruction.
 * test_version is in version.test.ts, test_trackable4 (copytests) in pytracker-copy.test.ts.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { collectUntil } from './test-support/collect.js';
import { Trackable, setGlobalTracker } from './trackable.js';
import type { TrackedClass, TrackerProtocol } from './tracker-protocol.js';
import { Tracker } from './tracker.js';

afterEach(() => setGlobalTracker(null));

class track1 extends Trackable {
  constructor(t: TrackerProtocol) {
    super();
    this.setDataBundle('bundle one');
    this.setTracker(t);
  }
}

class track2 extends Trackable {
  constructor(t: TrackerProtocol) {
    super();
    this.setDataBundle('bundle two');
    this.setTracker(t);
  }
}

interface SerialEntry {
  type: TrackedClass;
  bundle: unknown;
  allocated: number;
  deallocated: number;
}

/** pytracker's test SerialTracker: one entry per instance (by serial) instead of per type. */
class SerialTracker implements TrackerProtocol {
  readonly entries = new Map<number, SerialEntry>();

  #entry(serial: number, type: TrackedClass, bundle: unknown): SerialEntry {
    let entry = this.entries.get(serial);
    if (entry === undefined) this.entries.set(serial, (entry = { type, bundle, allocated: 0, deallocated: 0 }));
    entry.bundle = bundle;
    return entry;
  }

  notifyAttached(serial: number, type: TrackedClass, bundle: unknown): void {
    this.#entry(serial, type, bundle).allocated++;
  }

  notifyDetached(serial: number, type: TrackedClass, bundle: unknown): void {
    this.#entry(serial, type, bundle).allocated--;
  }

  notifyUpdated(serial: number, type: TrackedClass, bundle: unknown): void {
    this.#entry(serial, type, bundle);
  }

  notifyDestroyed(serial: number, type: TrackedClass, bundle: unknown): void {
    const entry = this.#entry(serial, type, bundle);
    entry.allocated--;
    entry.deallocated++;
  }
}

test('test_trackable1: basic tracking works', async () => {
  const tracker = new Tracker();
  let obj: track1 | null = new track1(tracker);
  const types = tracker.snapshot().types;
  assert.equal(types.length, 1);
  assert.equal(types[0]!.allocated, 1);
  assert.equal(types[0]!.name, 'track1');
  assert.equal(obj.getTracker(), tracker);
  obj = null;
  await collectUntil(() => tracker.get('track1')!.deallocated === 1, { what: 'track1 to be retired' });
  assert.equal(tracker.snapshot().types[0]!.deallocated, 1);
  assert.equal(tracker.snapshot().types[0]!.allocated, 0);
});

test('test_trackable2: both objects are tracked as allocated and deallocated', async () => {
  const tracker = new Tracker();
  let obj1: track1 | null = new track1(tracker);
  let obj2: track2 | null = new track2(tracker);
  assert.equal(tracker.snapshot().types.length, 2);
  assert.equal(tracker.get('track1')!.allocated, 1);
  assert.equal(tracker.get('track2')!.allocated, 1);
  assert.ok(obj1 && obj2);
  obj1 = obj2 = null;
  await collectUntil(() => tracker.get('track1')!.allocated === 0 && tracker.get('track2')!.allocated === 0, {
    what: 'both objects to be retired',
  });
  assert.equal(tracker.get('track1')!.deallocated, 1);
  assert.equal(tracker.get('track2')!.deallocated, 1);
});

test('test_trackable3: serial numbers and bundles reach the tracker, up to destruction', async () => {
  const tracker = new SerialTracker();
  let obj1: track1 | null = new track1(tracker);
  let obj2: track2 | null = new track2(tracker);
  let obj3: track1 | null = new track1(tracker);
  let obj4: track2 | null = new track2(tracker);
  assert.equal(tracker.entries.size, 4);
  const obj1s = obj1.getTrackerSerial();
  const obj2s = obj2.getTrackerSerial();
  const obj3s = obj3.getTrackerSerial();
  const obj4s = obj4.getTrackerSerial();
  assert.equal(new Set([obj1s, obj2s, obj3s, obj4s]).size, 4);
  assert.equal(tracker.entries.get(obj1s)!.allocated, 1);
  obj1 = obj2 = obj3 = obj4 = null;
  const entry = (serial: number): SerialEntry => tracker.entries.get(serial)!;
  await collectUntil(() => [obj1s, obj2s, obj3s, obj4s].every((serial) => entry(serial).deallocated === 1), {
    what: 'all four objects to be retired',
  });
  for (const serial of [obj1s, obj2s, obj3s, obj4s]) assert.equal(entry(serial).allocated, 0);
  assert.equal(entry(obj1s).bundle, 'bundle one');
  assert.equal(entry(obj3s).bundle, 'bundle one');
  assert.equal(entry(obj2s).bundle, 'bundle two');
  assert.equal(entry(obj4s).bundle, 'bundle two');
  assert.equal(entry(obj1s).type, track1);
  assert.equal(entry(obj2s).type, track2);
});

class foo1 extends Trackable {
  constructor(msg: string) {
    super();
    this.setDataBundle(msg);
  }
}

class foo2 extends foo1 {}

class foo3 extends foo1 {
  static override disableGlobalTracker = true;
}

test('trydump.py: dumps over time; a disableGlobalTracker subclass is not counted', async () => {
  const t = new Tracker();
  setGlobalTracker(t);

  let x1: foo1 | null = new foo1('first');
  let x2: foo2 | null = new foo2('second');
  let x3: foo1 | null = new foo1('third');
  let x4: foo2 | null = new foo2('fourth');
  let x5: foo3 | null = new foo3('not to be tracked');
  const base = x1.getTrackerSerial();
  assert.equal(x5.getTrackerSerial(), base + 4, 'untracked instances still take a serial');
  assert.equal(x5.getTracker(), null);

  assert.equal(
    t.dump(),
    [
      'foo1                                     allocated: 2            retired: 0',
      'foo2                                     allocated: 2            retired: 0',
    ].join('\n'),
  );

  x3 = x4 = x5 = null;
  const retired = (type: TrackedClass, count: number) => () => t.get(type)!.deallocated === count;
  await collectUntil(() => retired(foo1, 1)() && retired(foo2, 1)(), { what: 'x3 and x4 to be retired' });

  assert.equal(
    t.dump(),
    [
      'foo1                                     allocated: 1 (-1)       retired: 1 (+1)',
      'foo2                                     allocated: 1 (-1)       retired: 1 (+1)',
    ].join('\n'),
  );

  t.setObjectTracking(foo1);
  t.setObjectTracking(foo2);

  // Reassigning drops 'first' and 'second', which Python frees on the spot.
  x1 = new foo1('fifth');
  x2 = new foo2('sixth');
  x3 = new foo1('seventh');
  x4 = new foo2('eighth');
  await collectUntil(() => retired(foo1, 2)() && retired(foo2, 2)(), { what: "'first' and 'second' to be retired" });

  assert.equal(
    t.dump(),
    [
      'foo1                                     allocated: 2 (+1)       retired: 2 (+1)',
      `   obj#${String(base + 5).padEnd(8)} bundle:'fifth'`,
      `   obj#${String(base + 7).padEnd(8)} bundle:'seventh'`,
      'foo2                                     allocated: 2 (+1)       retired: 2 (+1)',
      `   obj#${String(base + 6).padEnd(8)} bundle:'sixth'`,
      `   obj#${String(base + 8).padEnd(8)} bundle:'eighth'`,
    ].join('\n'),
  );

  assert.ok(x1 && x2 && x3);
  x1 = x2 = x3 = null;
  await collectUntil(() => retired(foo1, 4)() && retired(foo2, 3)(), { what: 'x1, x2 and x3 to be retired' });

  assert.equal(
    t.dump(),
    [
      'foo1                                     allocated: 0 (-2)       retired: 4 (+2)',
      'foo2                                     allocated: 1 (-1)       retired: 3 (+1)',
      `   obj#${String(base + 8).padEnd(8)} bundle:'eighth'`,
    ].join('\n'),
  );
  assert.equal(x4.getDataBundle(), 'eighth');
  assert.equal(t.get('foo3'), undefined);
});
