import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { lifetimeTableSizes } from './lifetimes.js';
import { collected, collectUntil, settle } from './test-support/collect.js';
import { Recorder } from './test-support/recorder.js';
import { Trackable, getGlobalTracker, setGlobalTracker, trackableMixin, type SavedState } from './trackable.js';
import { trackingNameOf, type TrackerProtocol } from './tracker-protocol.js';
import { Tracker } from './tracker.js';

afterEach(() => setGlobalTracker(null));

class Alpha extends Trackable {}
class Beta extends Trackable {}

/** Makes an instance in a scope that ends, so nothing but the returned WeakRef refers to it. */
function garbage<T extends Trackable>(make: () => T): { serial: number; ref: WeakRef<T> } {
  const instance = make();
  return { serial: instance.getTrackerSerial(), ref: new WeakRef(instance) };
}

// Must stay the first test: serials count from 1 per process, and each test file runs in its own.
test('the first instance in a fresh process gets serial 1', () => {
  assert.equal(new Trackable().getTrackerSerial(), 1);
});

test('serials are integers, strictly increasing by one across all trackable classes', () => {
  const Mixed = trackableMixin(Map);
  const serials = [new Alpha(), new Beta(), new Trackable(), new Mixed(), new Alpha()].map((o) => o.getTrackerSerial());
  for (const serial of serials) assert.ok(Number.isInteger(serial));
  for (let i = 1; i < serials.length; i++) assert.equal(serials[i], serials[i - 1]! + 1);
  assert.equal(new Beta().getTrackerSerial(), serials.at(-1)! + 1);
});

test('a new instance has no bundle and the global tracker, which hears notifyAttached', () => {
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  const alpha = new Alpha();
  assert.equal(alpha.getDataBundle(), undefined);
  assert.equal(alpha.getTracker(), recorder);
  assert.deepEqual(recorder.events, [{ event: 'attached', serial: alpha.getTrackerSerial(), type: Alpha, bundle: undefined }]);
});

test('without a global tracker, a new instance has none and nothing is notified', () => {
  assert.equal(getGlobalTracker(), null);
  assert.equal(new Alpha().getTracker(), null);
});

test('disableGlobalTracker on the class or a superclass keeps the global tracker away', () => {
  class Quiet extends Trackable {
    static override disableGlobalTracker = true;
  }
  class QuietChild extends Quiet {}
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  assert.equal(new Quiet().getTracker(), null);
  assert.equal(new QuietChild().getTracker(), null);
  assert.deepEqual(recorder.events, []);
  // The flag is per class: a sibling class still gets the global tracker.
  assert.equal(new Alpha().getTracker(), recorder);
});

test('setGlobalTracker affects new instances only; getGlobalTracker returns it', () => {
  const first = new Recorder();
  const second = new Recorder();
  setGlobalTracker(first);
  assert.equal(getGlobalTracker(), first);
  const early = new Alpha();
  setGlobalTracker(second);
  assert.equal(getGlobalTracker(), second);
  const late = new Alpha();
  assert.equal(early.getTracker(), first);
  assert.equal(late.getTracker(), second);
  setGlobalTracker(null);
  assert.equal(getGlobalTracker(), null);
  assert.equal(new Alpha().getTracker(), null);
});

test('setGlobalTracker and setTracker reject values that are not trackers or null', () => {
  const alpha = new Alpha();
  for (const bad of [undefined, 42, 'tracker', true]) {
    assert.throws(() => setGlobalTracker(bad as unknown as TrackerProtocol), TypeError);
    assert.throws(() => alpha.setTracker(bad as unknown as TrackerProtocol), TypeError);
  }
  assert.equal(getGlobalTracker(), null);
  assert.equal(alpha.getTracker(), null);
});

test('setTracker detaches from the assigned tracker first, even the same one, then attaches', () => {
  const a = new Recorder();
  const b = new Recorder();
  const alpha = new Alpha();
  const serial = alpha.getTrackerSerial();

  alpha.setTracker(a);
  assert.equal(alpha.getTracker(), a);
  assert.deepEqual(a.of(serial), [['attached', 'Alpha', undefined]]);

  alpha.setDataBundle('data');
  a.clear();
  alpha.setTracker(a);
  assert.deepEqual(a.of(serial), [
    ['detached', 'Alpha', 'data'],
    ['attached', 'Alpha', 'data'],
  ]);

  a.clear();
  alpha.setTracker(b);
  assert.equal(alpha.getTracker(), b);
  assert.deepEqual(a.of(serial), [['detached', 'Alpha', 'data']]);
  assert.deepEqual(b.of(serial), [['attached', 'Alpha', 'data']]);

  b.clear();
  alpha.setTracker(null);
  assert.equal(alpha.getTracker(), null);
  assert.deepEqual(b.of(serial), [['detached', 'Alpha', 'data']]);

  // No tracker assigned: nobody to detach from.
  a.clear();
  alpha.setTracker(null);
  alpha.setTracker(a);
  assert.deepEqual(a.of(serial), [['attached', 'Alpha', 'data']]);
  assert.deepEqual(b.of(serial), [['detached', 'Alpha', 'data']]);
});

test('setDataBundle stores the bundle and sends notifyUpdated; without a tracker it only stores', () => {
  const recorder = new Recorder();
  const alpha = new Alpha();
  alpha.setDataBundle({ user: 7 });
  assert.deepEqual(alpha.getDataBundle(), { user: 7 });
  alpha.setTracker(recorder);
  const bundle = ['any', 'value'];
  alpha.setDataBundle(bundle);
  assert.equal(alpha.getDataBundle(), bundle);
  alpha.setDataBundle(undefined);
  assert.equal(alpha.getDataBundle(), undefined);
  assert.deepEqual(recorder.of(alpha.getTrackerSerial()), [
    ['attached', 'Alpha', { user: 7 }],
    ['updated', 'Alpha', bundle],
    ['updated', 'Alpha', undefined],
  ]);
});

test('a bundle that is the object itself, or holds it as an own property value, is a TypeError', () => {
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  const alpha = new Alpha();
  alpha.setDataBundle('before');
  recorder.clear();

  assert.throws(() => alpha.setDataBundle(alpha), { name: 'TypeError', message: /cannot be the object itself.*never be collected/ });
  assert.throws(() => alpha.setDataBundle({ label: 'x', owner: alpha }), { name: 'TypeError', message: /property owner is the object itself/ });
  assert.throws(() => alpha.setDataBundle([1, alpha]), { name: 'TypeError', message: /property 1 is the object itself/ });
  const key = Symbol('me');
  assert.throws(() => alpha.setDataBundle({ [key]: alpha }), { name: 'TypeError', message: /Symbol\(me\)/ });
  const hidden = Object.defineProperty({}, 'owner', { value: alpha, enumerable: false });
  assert.throws(() => alpha.setDataBundle(hidden), TypeError);

  assert.equal(alpha.getDataBundle(), 'before');
  assert.deepEqual(recorder.events, []);
});

test('the bundle check reads no getters and accepts Proxies it cannot look into', () => {
  const alpha = new Alpha();
  let getterRuns = 0;
  const withGetter = {
    get owner() {
      getterRuns++;
      return alpha;
    },
  };
  alpha.setDataBundle(withGetter);
  assert.equal(getterRuns, 0);

  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  alpha.setDataBundle(proxy);
  assert.equal(alpha.getDataBundle(), proxy);

  const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no keys for you'); } });
  alpha.setDataBundle(hostile);
  assert.equal(alpha.getDataBundle(), hostile);
});

test('after collection the tracker gets notifyDestroyed exactly once, with the last bundle', async () => {
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  const { serial, ref } = garbage(() => {
    const alpha = new Alpha();
    alpha.setDataBundle('first');
    alpha.setDataBundle({ last: true });
    return alpha;
  });
  await collectUntil(() => recorder.destroyed(serial).length > 0, { what: 'notifyDestroyed' });
  assert.equal(ref.deref(), undefined);
  await settle();
  assert.deepEqual(recorder.of(serial), [
    ['attached', 'Alpha', undefined],
    ['updated', 'Alpha', 'first'],
    ['updated', 'Alpha', { last: true }],
    ['destroyed', 'Alpha', { last: true }],
  ]);
});

test('an instance with a tracker is still collectable: the tracker and registry do not hold it', async () => {
  const tracker = new Tracker();
  tracker.setObjectTracking(Alpha);
  setGlobalTracker(tracker);
  const { ref } = garbage(() => {
    const alpha = new Alpha();
    alpha.setDataBundle({ note: 'kept by the tracker, not the instance' });
    return alpha;
  });
  await collected(ref, 'a tracked instance');
});

test('the tracker assigned at collection time gets notifyDestroyed; earlier ones do not', async () => {
  const first = new Recorder();
  const second = new Recorder();
  setGlobalTracker(first);
  const { serial } = garbage(() => {
    const alpha = new Alpha();
    alpha.setDataBundle('one');
    alpha.setTracker(second);
    alpha.setDataBundle('two');
    return alpha;
  });
  await collectUntil(() => second.destroyed(serial).length > 0, { what: "the second tracker's notifyDestroyed" });
  await settle();
  assert.deepEqual(second.destroyed(serial).map((e) => e.bundle), ['two']);
  assert.deepEqual(first.destroyed(serial), []);
});

test('an instance made without a tracker and given one later is reported to that tracker', async () => {
  const recorder = new Recorder();
  const { serial } = garbage(() => {
    const alpha = new Alpha();
    alpha.setDataBundle('set while untracked');
    alpha.setTracker(recorder);
    return alpha;
  });
  await collectUntil(() => recorder.destroyed(serial).length > 0, { what: 'notifyDestroyed' });
  assert.deepEqual(recorder.of(serial), [
    ['attached', 'Alpha', 'set while untracked'],
    ['destroyed', 'Alpha', 'set while untracked'],
  ]);
});

test('tracker → null → another tracker: the last one gets notifyDestroyed with the bundle set meanwhile', async () => {
  const first = new Recorder();
  const last = new Recorder();
  setGlobalTracker(first);
  const { serial } = garbage(() => {
    const alpha = new Alpha();
    alpha.setDataBundle('tracked');
    alpha.setTracker(null);
    alpha.setDataBundle('untracked');
    alpha.setTracker(last);
    return alpha;
  });
  await collectUntil(() => last.destroyed(serial).length > 0, { what: 'notifyDestroyed' });
  assert.deepEqual(last.destroyed(serial).map((e) => e.bundle), ['untracked']);
  assert.deepEqual(first.destroyed(serial), []);
});

test('an instance whose tracker is null when collected reports nothing, and leaves nothing behind', async () => {
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  const before = lifetimeTableSizes();
  const detached = garbage(() => {
    const alpha = new Alpha();
    alpha.setDataBundle('bundle');
    alpha.setTracker(null);
    return alpha;
  });
  setGlobalTracker(null);
  const never = garbage(() => new Alpha());
  await collected(detached.ref, 'the detached instance');
  await collected(never.ref, 'the untracked instance');
  await settle();
  assert.deepEqual(recorder.destroyed(detached.serial), []);
  assert.deepEqual(recorder.destroyed(never.serial), []);
  assert.deepEqual(lifetimeTableSizes(), before);
});

test('side tables for switched trackers and bundles are emptied once the instances are collected', async () => {
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  const before = lifetimeTableSizes();
  const serials = Array.from({ length: 50 }, (_, i) =>
    garbage(() => {
      const alpha = new Alpha();
      alpha.setDataBundle({ i });
      alpha.setTracker(new Recorder());
      // Every other one ends back on the global tracker; the rest die with their own tracker.
      if (i % 2) alpha.setTracker(recorder);
      return alpha;
    }).serial,
  );
  assert.ok(lifetimeTableSizes().trackerOverrides >= before.trackerOverrides + 50);
  assert.ok(lifetimeTableSizes().bundles >= before.bundles + 50);
  const sizesDrained = () => JSON.stringify(lifetimeTableSizes()) === JSON.stringify(before);
  await collectUntil(sizesDrained, { what: 'the side tables to drain' });
  assert.equal(recorder.events.filter((e) => e.event === 'destroyed' && serials.includes(e.serial)).length, 25);
});

test('getState returns own enumerable data and the bundle; JSON shows only user data', () => {
  class Point extends Trackable {
    x = 1;
    y = 2;
    nested = { deep: true };
  }
  const point = new Point();
  Object.defineProperty(point, 'hidden', { value: 'not enumerable', enumerable: false });
  point.setDataBundle('the bundle');
  const saved = point.getState();
  assert.deepEqual(saved, { state: { x: 1, y: 2, nested: { deep: true } }, bundle: 'the bundle' });
  assert.notEqual(saved.state, point);
  assert.equal(JSON.stringify(point), '{"x":1,"y":2,"nested":{"deep":true}}');
});

test('setState restores data and bundle, the bundle through setDataBundle', () => {
  class Point extends Trackable {
    x = 0;
    y = 0;
  }
  const recorder = new Recorder();
  const point = new Point();
  point.setTracker(recorder);
  point.setState({ state: { x: 3, y: 4 }, bundle: 'restored' });
  assert.equal(point.x, 3);
  assert.equal(point.y, 4);
  assert.equal(point.getDataBundle(), 'restored');
  assert.deepEqual(recorder.of(point.getTrackerSerial()), [
    ['attached', 'Point', undefined],
    ['updated', 'Point', 'restored'],
  ]);
});

test('setState rejects what getState cannot have returned, and a bundle that is the object', () => {
  const alpha = new Alpha();
  for (const bad of [null, undefined, 'state', {}, { state: null, bundle: 1 }, { state: 'x', bundle: 1 }]) {
    assert.throws(() => alpha.setState(bad as unknown as SavedState), { name: 'TypeError', message: /setState takes/ });
  }
  assert.throws(() => alpha.setState({ state: { changed: true }, bundle: alpha }), TypeError);
  assert.equal(Object.hasOwn(alpha, 'changed'), false, 'a rejected state is not applied');
});

test('fromState makes an instance of the class it is called on without running its constructor', () => {
  let constructed = 0;
  class Point extends Trackable {
    x: number;
    constructor(x: number) {
      super();
      constructed++;
      this.x = x;
    }
  }
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  const original = new Point(5);
  original.setDataBundle({ label: 'p' });
  assert.equal(constructed, 1);
  recorder.clear();

  const restored = Point.fromState(original.getState());
  assert.equal(constructed, 1);
  assert.ok(restored instanceof Point);
  assert.equal(restored.constructor, Point);
  assert.equal(restored.x, 5);
  assert.deepEqual(restored.getDataBundle(), { label: 'p' });
  assert.equal(restored.getTracker(), recorder);
  const serial = restored.getTrackerSerial();
  assert.ok(serial > original.getTrackerSerial());
  assert.deepEqual(recorder.of(serial), [
    ['attached', 'Point', undefined],
    ['updated', 'Point', { label: 'p' }],
  ]);
  assert.deepEqual(recorder.events.filter((e) => e.serial !== serial), []);
});

test('fromState respects disableGlobalTracker and a null global tracker', () => {
  class Quiet extends Trackable {
    static override disableGlobalTracker = true;
  }
  const saved = { state: { a: 1 }, bundle: 'b' };
  assert.equal(Alpha.fromState(saved).getTracker(), null);
  setGlobalTracker(new Recorder());
  assert.equal(Quiet.fromState(saved).getTracker(), null);
});

test('clone is fromState(getState()): a shallow copy with a new serial', () => {
  class Bag extends Trackable {
    items = [1, 2];
    name = 'bag';
  }
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  const bag = new Bag();
  const bundle = { tag: 'shared' };
  bag.setDataBundle(bundle);
  const copy = bag.clone();
  assert.notEqual(copy, bag);
  assert.ok(copy instanceof Bag);
  assert.notEqual(copy.getTrackerSerial(), bag.getTrackerSerial());
  assert.deepEqual(copy.getState(), bag.getState());
  assert.equal(copy.items, bag.items, 'shallow: nested values are shared');
  assert.equal(copy.getDataBundle(), bundle);
  assert.deepEqual(recorder.of(copy.getTrackerSerial()), [
    ['attached', 'Bag', undefined],
    ['updated', 'Bag', bundle],
  ]);
});

test('a subclass can override getState/setState, calling super, to carry non-enumerable data', () => {
  class Secretive extends Trackable {
    declare secret: string;
    open = 'visible';
    constructor(secret: string) {
      super();
      Object.defineProperty(this, 'secret', { value: secret, writable: true, enumerable: false });
    }
    override getState(): SavedState {
      const saved = super.getState();
      return { state: { ...saved.state, secret: this.secret }, bundle: saved.bundle };
    }
    override setState(saved: SavedState): void {
      const { secret, ...rest } = saved.state as { secret: string };
      Object.defineProperty(this, 'secret', { value: secret, writable: true, enumerable: false });
      super.setState({ state: rest, bundle: saved.bundle });
    }
  }
  const original = new Secretive('s3');
  original.setDataBundle('b');
  assert.equal(JSON.stringify(original), '{"open":"visible"}');
  const copy = original.clone();
  assert.equal(copy.secret, 's3');
  assert.equal(copy.open, 'visible');
  assert.equal(copy.getDataBundle(), 'b');
  assert.equal(JSON.stringify(copy), '{"open":"visible"}');
});

test('static trackingName names the type when it is the class own static', () => {
  class Minified extends Trackable {
    static override trackingName = 'Session';
  }
  class Child extends Minified {}
  const anonymous = [class extends Trackable {}][0]!;
  assert.equal(trackingNameOf(Minified), 'Session');
  assert.equal(trackingNameOf(Child), 'Child');
  assert.equal(trackingNameOf(anonymous), '(anonymous)');
  assert.equal(trackingNameOf(Trackable), 'Trackable');

  const tracker = new Tracker();
  setGlobalTracker(tracker);
  const kept = [new Minified(), new Child(), new Child()];
  assert.equal(tracker.get('Session')?.allocated, 1);
  assert.equal(tracker.get('Child')?.allocated, 2);
  assert.equal(tracker.get('Minified'), undefined);
  assert.equal(kept.length, 3);
});

// Reported errors are kept as text: an Error's unformatted stack holds the receivers of its frames,
// which include the instance whose constructor was running, and would keep it alive.
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `non-error: ${String(error)}`;
}

/** Replaces globalThis.reportError (or removes it) and console.error for the duration of `run`. */
async function capturingReports(
  mode: 'reportError' | 'console',
  run: (reported: string[]) => void | Promise<void>,
): Promise<void> {
  const reported: string[] = [];
  const host = globalThis as { reportError?: (error: unknown) => void };
  const hadReportError = Object.hasOwn(globalThis, 'reportError');
  const originalReportError = host.reportError;
  const originalConsoleError = console.error;
  if (mode === 'reportError') {
    host.reportError = (error) => reported.push(describe(error));
    console.error = () => reported.push('console.error must not be used when reportError exists');
  } else {
    delete host.reportError;
    console.error = (...data: unknown[]) => reported.push(describe(data.at(-1)));
  }
  try {
    await run(reported);
  } finally {
    console.error = originalConsoleError;
    if (hadReportError) host.reportError = originalReportError;
    else delete host.reportError;
  }
}

class Throwing implements TrackerProtocol {
  readonly errors: string[] = [];
  #fail(what: string): never {
    const error = new Error(`tracker failed in ${what}`);
    this.errors.push(describe(error));
    throw error;
  }
  notifyAttached(): void {
    this.#fail('attached');
  }
  notifyDetached(): void {
    this.#fail('detached');
  }
  notifyUpdated(): void {
    this.#fail('updated');
  }
  notifyDestroyed(): void {
    this.#fail('destroyed');
  }
}

test('a tracker with no methods at all is skipped silently', async () => {
  await capturingReports('reportError', async (reported) => {
    setGlobalTracker({});
    const { ref } = garbage(() => {
      const alpha = new Alpha();
      alpha.setDataBundle('b');
      alpha.setTracker({});
      alpha.setTracker(null);
      return alpha;
    });
    await collected(ref);
    await settle();
    assert.deepEqual(reported, []);
  });
});

test('a throwing tracker never reaches the app: errors go to reportError and operations complete', async () => {
  await capturingReports('reportError', async (reported) => {
    const throwing = new Throwing();
    const recorder = new Recorder();
    setGlobalTracker(throwing);
    const { serial } = garbage(() => {
      const alpha = new Alpha();
      assert.equal(alpha.getTracker(), throwing);
      alpha.setDataBundle('stored anyway');
      assert.equal(alpha.getDataBundle(), 'stored anyway');
      alpha.setTracker(throwing);
      assert.equal(alpha.getTracker(), throwing);
      return alpha;
    });
    assert.deepEqual(throwing.errors, [
      'Error: tracker failed in attached',
      'Error: tracker failed in updated',
      'Error: tracker failed in detached',
      'Error: tracker failed in attached',
    ]);
    assert.deepEqual(reported, throwing.errors);

    // Destroyed runs in a finalization task: a throw there must not become an uncaught error.
    await collectUntil(() => throwing.errors.length === 5, { what: 'the throwing notifyDestroyed' });
    assert.equal(throwing.errors[4], 'Error: tracker failed in destroyed');
    assert.deepEqual(reported, throwing.errors);

    // Switching away from a throwing tracker still attaches the new one.
    const alpha = new Alpha();
    alpha.setTracker(recorder);
    assert.equal(alpha.getTracker(), recorder);
    assert.deepEqual(recorder.of(alpha.getTrackerSerial()), [['attached', 'Alpha', undefined]]);
    assert.ok(serial < alpha.getTrackerSerial());
  });
});

test('without reportError, tracker errors go to console.error', async () => {
  await capturingReports('console', (reported) => {
    const throwing = new Throwing();
    const alpha = new Alpha();
    alpha.setTracker(throwing);
    alpha.setDataBundle('x');
    assert.equal(alpha.getDataBundle(), 'x');
    assert.deepEqual(reported, throwing.errors);
    assert.equal(reported.length, 2);
  });
});

test('a tracker method that is not a function is reported, not thrown', async () => {
  await capturingReports('reportError', (reported) => {
    const alpha = new Alpha();
    alpha.setTracker({ notifyAttached: 42 } as unknown as TrackerProtocol);
    assert.equal(reported.length, 1);
    assert.match(reported[0]!, /^TypeError: /);
  });
});

test('when reporting itself throws, nothing escapes into the app', async () => {
  await capturingReports('reportError', () => {
    (globalThis as { reportError?: unknown }).reportError = () => {
      throw new Error('reportError is broken');
    };
    const alpha = new Alpha();
    alpha.setTracker(new Throwing());
    alpha.setDataBundle('still fine');
    assert.equal(alpha.getDataBundle(), 'still fine');
  });
});
