import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { autorun, makeAutoObservable, observable, reaction } from 'mobx';
import { findInstance, setInstanceLookup } from './instance-lookup.js';
import { lifetimeTableSizes } from './lifetimes.js';
import { lastSerialGiven } from './serials.js';
import { collected, collectUntil, settle } from './test-support/collect.js';
import { Recorder } from './test-support/recorder.js';
import { getDataBundle, getTracker, getTrackerSerial, isTracked, setDataBundle, setTracker, track } from './track.js';
import { Trackable, setGlobalTracker, trackableMixin } from './trackable.js';
import { namedType, trackingNameOf } from './tracker-protocol.js';
import { Tracker } from './tracker.js';

afterEach(() => setGlobalTracker(null));

class Series {
  points: number[] = [];
}

/** Tracks an object in a scope that ends, so only the returned WeakRef refers to it. */
function trackedGarbage(make: () => object): { serial: number; ref: WeakRef<object> } {
  const obj = track(make());
  return { serial: getTrackerSerial(obj), ref: new WeakRef(obj) };
}

test('track gives the next serial from the counter Trackable uses, and returns the object', () => {
  const before = new Trackable().getTrackerSerial();
  const series = new Series();
  assert.equal(track(series), series);
  assert.equal(getTrackerSerial(series), before + 1);
  assert.equal(new Trackable().getTrackerSerial(), before + 2);
  assert.equal(lastSerialGiven(), before + 2);
});

test('the type is the class, or a stand-in named by options.type; plain objects are "Object"', () => {
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  const a = track(new Series());
  const b = track(new Series(), { type: 'PriceSeries' });
  const c = track({ x: 1 });
  const d = track(Object.create(null) as object);
  const [ea, eb, ec, ed] = recorder.events;
  assert.equal(ea!.type, Series);
  assert.equal(eb!.type, namedType('PriceSeries'));
  assert.equal(trackingNameOf(eb!.type), 'PriceSeries');
  assert.equal(trackingNameOf(ec!.type), 'Object');
  assert.equal(ed!.type, ec!.type);
  assert.deepEqual(recorder.events.map((e) => e.serial), [a, b, c, d].map(getTrackerSerial));
  assert.equal(Object.hasOwn(Object, Symbol.for('x')), false);
});

test('the object is left as it was: same prototype, same own keys, nothing enumerable added', () => {
  const series = new Series();
  const keys = Reflect.ownKeys(series);
  track(series);
  assert.equal(Object.getPrototypeOf(series), Series.prototype);
  assert.deepEqual(Reflect.ownKeys(series), keys);
  assert.deepEqual(JSON.parse(JSON.stringify(series)), { points: [] });
  // Frozen objects can be tracked: nothing is written to them.
  assert.doesNotThrow(() => track(Object.freeze(new Series())));
});

test('bad input: a primitive, an object tracked twice, a Trackable; an untracked object', () => {
  for (const value of [null, undefined, 1, 'a', Symbol('s'), 1n, true]) {
    assert.throws(() => track(value as unknown as object), { name: 'TypeError', message: /track takes an object/ });
  }
  const series = track(new Series());
  assert.throws(() => track(series), { name: 'TypeError', message: /already tracked/ });
  assert.throws(() => track(new Trackable()), { name: 'TypeError', message: /Trackable is tracked from its construction/ });
  assert.throws(() => track(new (trackableMixin(Map))()), { name: 'TypeError', message: /Trackable/ });
  assert.throws(() => getTrackerSerial(new Series()), { name: 'TypeError', message: /not tracked/ });
  assert.throws(() => setDataBundle({}, 1), { name: 'TypeError', message: /not tracked/ });
  assert.throws(() => track(new Series(), { type: '' }), TypeError);
  // The failed calls lost nothing: the tracked object is still tracked, with its serial.
  assert.ok(isTracked(series));
  assert.equal(isTracked(new Series()), false);
  assert.equal(isTracked(7), false);
});

test('bundle and tracker, as a Trackable has them: updated, detached, attached', () => {
  const first = new Recorder();
  const second = new Recorder();
  setGlobalTracker(first);
  const series = track(new Series());
  const serial = getTrackerSerial(series);
  assert.equal(getTracker(series), first);
  assert.equal(getDataBundle(series), undefined);
  setDataBundle(series, { label: 'EUR' });
  assert.deepEqual(getDataBundle(series), { label: 'EUR' });
  assert.throws(() => setDataBundle(series, series), TypeError);
  assert.throws(() => setDataBundle(series, { owner: series }), TypeError);
  assert.deepEqual(getDataBundle(series), { label: 'EUR' }, 'a refused bundle loses nothing');
  setTracker(series, second);
  assert.equal(getTracker(series), second);
  assert.throws(() => setTracker(series, 3 as unknown as null), TypeError);
  assert.deepEqual(
    first.events.map((e) => [e.event, e.serial, e.type, e.bundle]),
    [
      ['attached', serial, Series, undefined],
      ['updated', serial, Series, { label: 'EUR' }],
      ['detached', serial, Series, { label: 'EUR' }],
    ],
  );
  assert.deepEqual(second.events.map((e) => [e.event, e.bundle]), [['attached', { label: 'EUR' }]]);
});

test('the functions work on Trackables too', () => {
  const recorder = new Recorder();
  const instance = new Trackable();
  assert.equal(getTrackerSerial(instance), instance.getTrackerSerial());
  setDataBundle(instance, 'b');
  assert.equal(instance.getDataBundle(), 'b');
  setTracker(instance, recorder);
  assert.equal(getTracker(instance), recorder);
  assert.equal(getDataBundle(instance), 'b');
  assert.ok(isTracked(instance));
});

test('destroyed after collection, with the last bundle; nothing of the object is kept', async () => {
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  await settle();
  const before = lifetimeTableSizes();
  const { serial, ref } = (() => {
    const obj = track(new Series(), { type: 'Series' });
    setDataBundle(obj, 'last');
    return { serial: getTrackerSerial(obj), ref: new WeakRef(obj) };
  })();
  await collected(ref, 'the tracked object');
  await collectUntil(() => recorder.events.some((e) => e.event === 'destroyed'), { what: 'destroyed' });
  assert.deepEqual(recorder.events.at(-1), { event: 'destroyed', serial, type: namedType('Series'), bundle: 'last' });
  assert.deepEqual(lifetimeTableSizes(), before);
});

test('after setTracker(null) the old tracker hears no destroyed; a later tracker does', async () => {
  const first = new Recorder();
  const later = new Recorder();
  setGlobalTracker(first);
  const quiet = trackedGarbage(() => {
    const obj = new Series();
    return obj;
  });
  const moved = (() => {
    const obj = track(new Series());
    setTracker(obj, later);
    return new WeakRef(obj);
  })();
  setTracker(quiet.ref.deref()!, null);
  await collected(quiet.ref);
  await collected(moved);
  await settle();
  assert.equal(first.events.filter((e) => e.event === 'destroyed').length, 0);
  assert.deepEqual(later.events.map((e) => e.event), ['attached', 'destroyed']);
});

test('disableGlobalTracker on the class keeps the global tracker away', () => {
  class Quiet {
    static disableGlobalTracker = true;
  }
  setGlobalTracker(new Recorder());
  assert.equal(getTracker(track(new Quiet())), null);
});

test('a throwing tracker never reaches the caller', () => {
  const reported: unknown[] = [];
  const original = globalThis.reportError;
  globalThis.reportError = (error: unknown) => reported.push(error);
  try {
    setGlobalTracker({
      notifyAttached() {
        throw new Error('attached');
      },
      notifyUpdated() {
        throw new Error('updated');
      },
    });
    const series = track(new Series());
    setDataBundle(series, 1);
    assert.deepEqual(reported.map((e) => (e as Error).message), ['attached', 'updated']);
  } finally {
    globalThis.reportError = original;
  }
});

test('Tracker counts tracked objects by class and by name; instance lookup finds them', async () => {
  const tracker = new Tracker();
  setGlobalTracker(tracker);
  setInstanceLookup(Series);
  setInstanceLookup(namedType('Chart'));
  tracker.setObjectTracking(namedType('Chart'));
  try {
    const kept = track(new Series());
    const chart = track({}, { type: 'Chart' });
    setDataBundle(chart, 'c');
    const dropped = trackedGarbage(() => new Series());
    assert.equal(findInstance(getTrackerSerial(kept)), kept);
    assert.equal(findInstance(getTrackerSerial(chart)), chart);
    await collected(dropped.ref);
    await collectUntil(() => tracker.get(Series)?.deallocated === 1, { what: 'Series destroyed' });
    assert.equal(tracker.get(Series)?.allocated, 1);
    assert.equal(tracker.get('Chart')?.allocated, 1);
    assert.deepEqual(tracker.snapshot().types.find((t) => t.name === 'Chart')?.objects, [{ serial: getTrackerSerial(chart), bundle: 'c' }]);
  } finally {
    setInstanceLookup(Series, false);
    setInstanceLookup(namedType('Chart'), false);
  }
});

// MobX 6: makeAutoObservable refuses classes with a superclass, so a store cannot be a Trackable.
class TodoStore {
  todos: string[] = [];
  constructor() {
    makeAutoObservable(this);
    track(this);
  }
  add(todo: string): void {
    this.todos.push(todo);
  }
  get count(): number {
    return this.todos.length;
  }
}

test('MobX 6: a makeAutoObservable store with track(this) stays observable and is tracked', async () => {
  class Child extends Trackable {
    constructor() {
      super();
      makeAutoObservable(this);
    }
  }
  assert.throws(() => new Child(), /superclass/, 'the reason track() exists');

  const tracker = new Tracker();
  setGlobalTracker(tracker);
  const store = new TodoStore();
  const seen: number[] = [];
  const dispose = autorun(() => seen.push(store.count));
  store.add('a');
  assert.deepEqual(seen, [0, 1]);
  dispose();
  assert.equal(tracker.get(TodoStore)?.allocated, 1);

  // A store kept by a reaction on long-lived state that nobody disposed stays alive; disposing
  // the reaction lets it go.
  const settings = observable({ theme: 'light' });
  const held: { dispose: (() => void) | null } = { dispose: null };
  const leaked = (() => {
    const other = new TodoStore();
    held.dispose = reaction(() => settings.theme, () => other.add('x'));
    return new WeakRef(other);
  })();
  await settle();
  assert.ok(leaked.deref() !== undefined, 'the undisposed reaction keeps the store');
  assert.equal(tracker.get(TodoStore)?.deallocated, 0);
  // Only the reaction's disposer held it (through the reaction): drop that too.
  held.dispose!();
  held.dispose = null;
  await collected(leaked, 'the store after its reaction was disposed');
  await collectUntil(() => tracker.get(TodoStore)?.deallocated === 1, { what: 'TodoStore destroyed' });
});
