import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { collectUntil } from './test-support/collect.js';
import { Trackable, setGlobalTracker } from './trackable.js';
import { Tracker, formatBundle } from './tracker.js';

afterEach(() => setGlobalTracker(null));

class Apple extends Trackable {}
class Banana extends Trackable {}
class Cherry extends Trackable {
  static override trackingName = 'Aardvark';
}

/** Allocates `count` instances in a scope that ends, so all of them become garbage. */
function allocateAndDrop(type: new () => Trackable, count: number, bundle?: (i: number) => unknown): void {
  for (let i = 0; i < count; i++) {
    const instance = new type();
    if (bundle) instance.setDataBundle(bundle(i));
  }
}

test('counts allocated and retired instances per type', async () => {
  const tracker = new Tracker();
  setGlobalTracker(tracker);
  const kept = [new Apple(), new Apple(), new Banana()];
  allocateAndDrop(Apple, 3);
  allocateAndDrop(Banana, 2);
  assert.equal(tracker.get(Apple)?.allocated, 5);
  assert.equal(tracker.get(Banana)?.allocated, 3);
  await collectUntil(() => tracker.get(Apple)?.deallocated === 3 && tracker.get(Banana)?.deallocated === 2, {
    what: 'the dropped instances to be retired',
  });
  assert.equal(tracker.get(Apple)?.allocated, 2);
  assert.equal(tracker.get(Banana)?.allocated, 1);
  assert.equal(kept.length, 3);
});

test('10,000 dropped instances are all retired after GC', async () => {
  const tracker = new Tracker();
  setGlobalTracker(tracker);
  allocateAndDrop(Apple, 10_000, (i) => ({ i }));
  assert.equal(tracker.get(Apple)?.allocated, 10_000);
  await collectUntil(() => tracker.get(Apple)?.deallocated === 10_000, { what: 'all 10,000 instances to be retired' });
  assert.equal(tracker.get(Apple)?.allocated, 0);
});

test('a detached instance no longer counts as allocated, and is not retired by this tracker', () => {
  const tracker = new Tracker();
  const apple = new Apple();
  apple.setTracker(tracker);
  assert.equal(tracker.get(Apple)?.allocated, 1);
  apple.setTracker(null);
  assert.deepEqual(tracker.snapshot(), { types: [{ name: 'Apple', allocated: 0, deallocated: 0 }] });
});

test('get finds a type by class or by reported name', () => {
  const tracker = new Tracker();
  tracker.notifyAttached(1, Cherry, undefined);
  assert.equal(tracker.get(Cherry)?.name, 'Aardvark');
  assert.equal(tracker.get('Aardvark')?.type, Cherry);
  assert.equal(tracker.get('Cherry'), undefined);
  assert.equal(tracker.get(Apple), undefined);
  assert.equal(tracker.get('Apple'), undefined);
});

test('object tracking lists live instances by serial with their current bundle', async () => {
  const tracker = new Tracker();
  setGlobalTracker(tracker);
  const before = new Apple();
  before.setDataBundle('made before tracking was on');
  tracker.setObjectTracking(Apple);
  assert.deepEqual([...tracker.get(Apple)!.objects!], []);

  const first = new Apple();
  const second = new Apple();
  second.setDataBundle('second');
  allocateAndDrop(Apple, 1, () => 'dropped');
  assert.deepEqual(
    [...tracker.get(Apple)!.objects!.keys()],
    [first.getTrackerSerial(), second.getTrackerSerial(), second.getTrackerSerial() + 1],
  );
  assert.equal(tracker.get(Apple)!.objects!.get(first.getTrackerSerial()), undefined);
  assert.equal(tracker.get(Apple)!.objects!.get(second.getTrackerSerial()), 'second');

  // A bundle set after tracking was turned on lists an instance made before.
  before.setDataBundle('updated');
  assert.equal(tracker.get(Apple)!.objects!.get(before.getTrackerSerial()), 'updated');

  await collectUntil(() => tracker.get(Apple)?.deallocated === 1, { what: 'the dropped instance to be retired' });
  assert.equal(tracker.get(Apple)!.objects!.has(second.getTrackerSerial() + 1), false);

  second.setTracker(null);
  assert.equal(tracker.get(Apple)!.objects!.has(second.getTrackerSerial()), false);
  assert.equal(tracker.get(Apple)!.objects!.size, 2);
});

test('object tracking is per type; turning it off forgets the list, reset empties it', () => {
  const tracker = new Tracker();
  setGlobalTracker(tracker);
  tracker.setObjectTracking(Apple);
  const apple = new Apple();
  const banana = new Banana();
  assert.equal(tracker.get(Banana)?.objects, null);
  assert.equal(tracker.get(Apple)?.objects?.size, 1);

  tracker.resetObjectTracking(Apple);
  assert.equal(tracker.get(Apple)?.objects?.size, 0);
  const later = new Apple();
  assert.deepEqual([...tracker.get(Apple)!.objects!.keys()], [later.getTrackerSerial()]);

  tracker.setObjectTracking(Apple, false);
  assert.equal(tracker.get(Apple)?.objects, null);
  tracker.resetObjectTracking(Apple);
  assert.equal(tracker.get(Apple)?.objects, null, 'reset does not turn tracking on');

  tracker.setObjectTracking(Apple);
  tracker.setObjectTracking(Apple, true);
  assert.equal(tracker.get(Apple)?.objects?.size, 0, 'turning it on again starts empty');
  assert.equal(tracker.get(Apple)?.allocated, 2);
  assert.ok(apple && banana);
});

test('setObjectTracking makes the type known to the tracker, with zero counts', () => {
  const tracker = new Tracker();
  tracker.setObjectTracking(Banana);
  assert.deepEqual(tracker.snapshot(), { types: [{ name: 'Banana', allocated: 0, deallocated: 0, objects: [] }] });
});

test('snapshot is plain data sorted by name, objects in serial order when tracked', () => {
  const tracker = new Tracker();
  tracker.setObjectTracking(Banana);
  tracker.notifyAttached(30, Banana, { b: 30 });
  tracker.notifyAttached(4, Banana, 'four');
  tracker.notifyAttached(7, Apple, undefined);
  tracker.notifyAttached(8, Cherry, undefined);
  tracker.notifyAttached(9, Cherry, undefined);
  tracker.notifyDestroyed(9, Cherry);
  const snapshot = tracker.snapshot();
  assert.deepEqual(snapshot, {
    types: [
      { name: 'Aardvark', allocated: 1, deallocated: 1 },
      { name: 'Apple', allocated: 1, deallocated: 0 },
      {
        name: 'Banana',
        allocated: 2,
        deallocated: 0,
        objects: [
          { serial: 4, bundle: 'four' },
          { serial: 30, bundle: { b: 30 } },
        ],
      },
    ],
  });
  assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot);
  tracker.notifyAttached(31, Banana, undefined);
  assert.equal(snapshot.types[2]!.objects!.length, 2, 'a snapshot does not change afterwards');
});

test('dump prints the table sorted by name, with changes since the previous dump', () => {
  const tracker = new Tracker();
  assert.equal(tracker.dump(), '');
  tracker.notifyAttached(1, Banana, undefined);
  tracker.notifyAttached(2, Apple, undefined);
  tracker.notifyAttached(3, Apple, undefined);
  assert.equal(
    tracker.dump(),
    [
      'Apple                                    allocated: 2            retired: 0',
      'Banana                                   allocated: 1            retired: 0',
    ].join('\n'),
  );

  tracker.notifyDestroyed(2, Apple);
  tracker.notifyAttached(4, Banana, undefined);
  tracker.notifyAttached(5, Cherry, undefined);
  assert.equal(
    tracker.dump(),
    [
      'Aardvark                                 allocated: 1            retired: 0',
      'Apple                                    allocated: 1 (-1)       retired: 1 (+1)',
      'Banana                                   allocated: 2 (+1)       retired: 0',
    ].join('\n'),
  );

  // Unchanged since the previous dump: no changes shown.
  assert.equal(
    tracker.dump(),
    [
      'Aardvark                                 allocated: 1            retired: 0',
      'Apple                                    allocated: 1            retired: 1',
      'Banana                                   allocated: 2            retired: 0',
    ].join('\n'),
  );
});

test('dump lists tracked objects under their type, in serial order, with formatted bundles', () => {
  const tracker = new Tracker();
  tracker.setObjectTracking(Apple);
  tracker.notifyAttached(12, Apple, 'user 7');
  tracker.notifyAttached(9, Apple, { id: 9, tags: ['a'] });
  tracker.notifyAttached(123456789, Apple, undefined);
  tracker.notifyAttached(10, Banana, 'not listed');
  assert.equal(
    tracker.dump(),
    [
      'Apple                                    allocated: 3            retired: 0',
      `   obj#9        bundle:'{"id":9,"tags":["a"]}'`,
      "   obj#12       bundle:'user 7'",
      "   obj#123456789 bundle:''",
      'Banana                                   allocated: 1            retired: 0',
    ].join('\n'),
  );
});

test('formatBundle: strings as they are, falsy as empty, others as JSON, never throwing', () => {
  assert.equal(formatBundle('plain text'), 'plain text');
  for (const falsy of [undefined, null, 0, '', false]) assert.equal(formatBundle(falsy), '');
  assert.equal(formatBundle(42), '42');
  assert.equal(formatBundle(['bundle', 1]), '["bundle",1]');
  assert.equal(formatBundle({ n: 10n }), '{"n":"10n"}');
  assert.equal(formatBundle({ f: function named() {}, g: () => 1 }), '{"f":"[function named]","g":"[function g]"}');
  assert.equal(formatBundle({ s: Symbol('x') }), '{"s":"Symbol(x)"}');
  const cyclic: { self?: unknown; name: string } = { name: 'c' };
  cyclic.self = cyclic;
  assert.equal(formatBundle(cyclic), '{"name":"c","self":"[cycle]"}');
  assert.match(formatBundle(Symbol('top')), /Symbol\(top\)/);
  assert.equal(formatBundle({ toJSON: () => { throw new Error('no'); }, toString: () => 'fallback' }), 'fallback');
  const hostile = { toJSON: () => { throw new Error('no'); }, toString: () => { throw new Error('no'); } };
  assert.equal(formatBundle(hostile), '[unprintable bundle]');
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.equal(formatBundle(proxy), '[unprintable bundle]');
});
