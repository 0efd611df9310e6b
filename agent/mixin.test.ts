import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { collectUntil } from './test-support/collect.js';
import { Recorder } from './test-support/recorder.js';
import { Trackable, setGlobalTracker, trackableMixin, type SavedState } from './trackable.js';
import { Tracker } from './tracker.js';

afterEach(() => setGlobalTracker(null));

class Registry extends trackableMixin(Map<string, number>) {}

test('a trackable Map subclass is a working Map and a trackable', () => {
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  const registry = new Registry([['a', 1]]);
  assert.ok(registry instanceof Map);
  assert.ok(registry instanceof Registry);
  registry.set('b', 2);
  assert.equal(registry.size, 2);
  assert.equal(registry.get('a'), 1);
  assert.deepEqual([...registry], [['a', 1], ['b', 2]]);
  assert.equal(Map.prototype.get.call(registry, 'b'), 2);

  assert.equal(registry.getTracker(), recorder);
  registry.setDataBundle({ entries: registry.size });
  assert.deepEqual(recorder.of(registry.getTrackerSerial()), [
    ['attached', 'Registry', undefined],
    ['updated', 'Registry', { entries: 2 }],
  ]);
});

test('the mixin class is named after its base, and serials are shared with Trackable', () => {
  assert.equal(trackableMixin(Map).name, 'TrackableMap');
  assert.equal(trackableMixin(EventTarget).name, 'TrackableEventTarget');
  const a = new Trackable().getTrackerSerial();
  const b = new Registry().getTrackerSerial();
  const c = new Trackable().getTrackerSerial();
  assert.deepEqual([b - a, c - b], [1, 1]);
});

test('fromState on a Map subclass yields a working Map, without running the subclass constructor', () => {
  let constructed = 0;
  class Cache extends trackableMixin(Map<string, string>) {
    label = 'cache';
    constructor(entries?: [string, string][]) {
      super(entries);
      constructed++;
    }
  }
  const tracker = new Tracker();
  setGlobalTracker(tracker);
  const cache = new Cache([['k', 'v']]);
  cache.setDataBundle('bundle');
  const copy = Cache.fromState(cache.getState());
  assert.equal(constructed, 1);
  assert.ok(copy instanceof Cache);
  assert.ok(copy instanceof Map);
  assert.equal(copy.label, 'cache');
  assert.equal(copy.getDataBundle(), 'bundle');
  // Entries live in the Map's internal slots, not in own data: a plain copy starts empty.
  assert.equal(copy.size, 0);
  copy.set('x', 'y');
  assert.equal(copy.get('x'), 'y');
  assert.notEqual(copy.getTrackerSerial(), cache.getTrackerSerial());
  assert.equal(tracker.get(Cache)?.allocated, 2);
});

test('a Map subclass can carry its entries through getState/setState overrides', () => {
  class Settings extends trackableMixin(Map<string, number>) {
    override getState(): SavedState {
      const saved = super.getState();
      return { state: { ...saved.state, entries: [...this] }, bundle: saved.bundle };
    }
    override setState(saved: SavedState): void {
      const { entries, ...state } = saved.state as { entries: [string, number][] };
      this.clear();
      for (const [key, value] of entries) this.set(key, value);
      super.setState({ state, bundle: saved.bundle });
    }
  }
  const settings = new Settings([['volume', 7]]);
  const copy = settings.clone();
  assert.deepEqual([...copy], [['volume', 7]]);
  copy.set('volume', 8);
  assert.equal(settings.get('volume'), 7);
  assert.equal(JSON.stringify(copy.getState()), '{"state":{"entries":[["volume",8]]}}');
});

test('a trackable EventTarget dispatches events', () => {
  class Channel extends trackableMixin(EventTarget) {}
  const tracker = new Tracker();
  setGlobalTracker(tracker);
  const channel = new Channel();
  const heard: string[] = [];
  channel.addEventListener('ping', (event) => heard.push(event.type));
  channel.dispatchEvent(new Event('ping'));
  assert.deepEqual(heard, ['ping']);
  assert.equal(tracker.get('Channel')?.allocated, 1);

  const copy = channel.clone();
  copy.addEventListener('pong', (event) => heard.push(event.type));
  copy.dispatchEvent(new Event('pong'));
  assert.deepEqual(heard, ['ping', 'pong']);
});

test('a user base class gets its constructor arguments', () => {
  class Shape {
    constructor(
      readonly kind: string,
      readonly sides: number,
    ) {}
    describe(): string {
      return `${this.kind} with ${this.sides} sides`;
    }
  }
  class Polygon extends trackableMixin(Shape) {
    constructor(sides: number) {
      super('polygon', sides);
    }
  }
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  const square = new Polygon(4);
  assert.equal(square.describe(), 'polygon with 4 sides');
  assert.ok(square instanceof Shape);
  assert.equal(square.getTracker(), recorder);
  assert.deepEqual(square.getState(), { state: { kind: 'polygon', sides: 4 }, bundle: undefined });
  assert.equal(square.clone().describe(), 'polygon with 4 sides');
  assert.equal(JSON.stringify(square), '{"kind":"polygon","sides":4}');
});

test('disableGlobalTracker and trackingName work on mixin classes', () => {
  class Quiet extends trackableMixin(Map) {
    static override disableGlobalTracker = true;
  }
  class Renamed extends trackableMixin(EventTarget) {
    static override trackingName = 'Bus';
  }
  const tracker = new Tracker();
  setGlobalTracker(tracker);
  assert.equal(new Quiet().getTracker(), null);
  const bus = new Renamed();
  assert.equal(tracker.get('Bus')?.allocated, 1);
  assert.deepEqual(tracker.snapshot().types.map((t) => t.name), ['Bus']);
  assert.ok(bus);
});

test('a collected mixin instance is reported destroyed with its type', async () => {
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  const serial = ((): number => {
    const registry = new Registry();
    registry.set('a', 1);
    registry.setDataBundle('last');
    return registry.getTrackerSerial();
  })();
  await collectUntil(() => recorder.destroyed(serial).length === 1, { what: 'the Registry to be reported destroyed' });
  assert.deepEqual(recorder.of(serial).at(-1), ['destroyed', 'Registry', 'last']);
});
