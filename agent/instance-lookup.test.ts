import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { findInstance, lookedUpInstances, lookUpInstance, setInstanceLookup } from './instance-lookup.js';
import { collectUntil } from './test-support/collect.js';
import { Recorder } from './test-support/recorder.js';
import { Trackable, setGlobalTracker } from './trackable.js';
import type { TrackedClass } from './tracker-protocol.js';
import { Tracker } from './tracker.js';

const turnedOn: TrackedClass[] = [];
function lookUp(type: TrackedClass): void {
  setInstanceLookup(type);
  turnedOn.push(type);
}

afterEach(() => {
  for (const type of turnedOn.splice(0)) setInstanceLookup(type, false);
  setGlobalTracker(null);
});

/** Makes an instance in a scope that ends, so nothing but the returned WeakRef refers to it. */
function garbage(make: () => Trackable): { serial: number; ref: WeakRef<Trackable> } {
  const instance = make();
  return { serial: instance.getTrackerSerial(), ref: new WeakRef(instance) };
}

test('with lookup on for a type, findInstance finds its live instances by serial', () => {
  class Widget extends Trackable {}
  setGlobalTracker(new Tracker());
  lookUp(Widget);
  const widgets = [new Widget(), new Widget()];
  for (const widget of widgets) assert.equal(findInstance(widget.getTrackerSerial()), widget);
  assert.deepEqual(lookUpInstance(widgets[1]!.getTrackerSerial(), 'Widget'), { status: 'found', instance: widgets[1] });
  assert.equal(findInstance(widgets[1]!.getTrackerSerial() + 1), undefined);
});

test('off (the default), nothing is kept: no instance is found and none is in any table', () => {
  class Widget extends Trackable {}
  setGlobalTracker(new Tracker());
  const widget = new Widget();
  assert.equal(findInstance(widget.getTrackerSerial()), undefined);
  assert.deepEqual(lookUpInstance(widget.getTrackerSerial(), 'Widget'), { status: 'not-kept' });
  assert.equal(lookedUpInstances(), 0);
});

test('the table does not keep an instance alive; once collected it is gone, its entry too, and destroyed still arrives', async () => {
  class Widget extends Trackable {}
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  lookUp(Widget);
  const { serial, ref } = garbage(() => new Widget());
  assert.equal(lookedUpInstances(), 1);
  await collectUntil(() => recorder.destroyed(serial).length === 1, { what: 'the destroyed notification' });
  assert.equal(ref.deref(), undefined);
  assert.equal(findInstance(serial), undefined);
  assert.deepEqual(lookUpInstance(serial, 'Widget'), { status: 'collected' });
  assert.equal(lookedUpInstances(), 0);
});

test('turning lookup off forgets the table; on again, only later instances are found', () => {
  class Widget extends Trackable {}
  setGlobalTracker(new Tracker());
  lookUp(Widget);
  const before = new Widget();
  setInstanceLookup(Widget, false);
  assert.equal(findInstance(before.getTrackerSerial()), undefined);
  assert.equal(lookedUpInstances(), 0);
  const whileOff = new Widget();
  lookUp(Widget);
  const after = new Widget();
  assert.equal(findInstance(before.getTrackerSerial()), undefined);
  assert.equal(findInstance(whileOff.getTrackerSerial()), undefined);
  assert.deepEqual(lookUpInstance(whileOff.getTrackerSerial(), 'Widget'), { status: 'not-kept' });
  assert.equal(findInstance(after.getTrackerSerial()), after);
});

test('turning lookup on twice keeps the table; off for a type never looked up is a no-op', () => {
  class Widget extends Trackable {}
  class Other extends Trackable {}
  setGlobalTracker(new Tracker());
  lookUp(Widget);
  const widget = new Widget();
  lookUp(Widget);
  setInstanceLookup(Other, false);
  assert.equal(findInstance(widget.getTrackerSerial()), widget);
});

test('lookup covers exactly the class: a subclass is a type of its own', () => {
  class Widget extends Trackable {}
  class Button extends Widget {}
  setGlobalTracker(new Tracker());
  lookUp(Widget);
  const button = new Button();
  const widget = new Widget();
  assert.equal(findInstance(button.getTrackerSerial()), undefined);
  assert.deepEqual(lookUpInstance(button.getTrackerSerial(), 'Button'), { status: 'not-kept' });
  assert.equal(findInstance(widget.getTrackerSerial()), widget);
  lookUp(Button);
  const second = new Button();
  assert.equal(findInstance(second.getTrackerSerial()), second);
});

test('an instance created without a tracker is found once it gets one', () => {
  class Widget extends Trackable {}
  lookUp(Widget);
  const widget = new Widget();
  assert.equal(findInstance(widget.getTrackerSerial()), undefined);
  widget.setTracker(new Tracker());
  assert.equal(findInstance(widget.getTrackerSerial()), widget);
});

test('lookup changes neither serials nor what trackers hear', async () => {
  const run = async (on: boolean) => {
    class Widget extends Trackable {}
    if (on) lookUp(Widget);
    const recorder = new Recorder();
    setGlobalTracker(recorder);
    const kept = new Widget();
    const { serial } = garbage(() => {
      const widget = new Widget();
      widget.setDataBundle({ n: 1 });
      return widget;
    });
    kept.setTracker(null);
    await collectUntil(() => recorder.destroyed(serial).length === 1, { what: 'the destroyed notification' });
    const first = kept.getTrackerSerial();
    return {
      gaps: [serial - first, new Widget().getTrackerSerial() - serial],
      events: recorder.events.map(({ event, serial, bundle }) => [event, serial - first, bundle]),
    };
  };
  assert.deepEqual(await run(true), await run(false));
});

test('lookUpInstance answers by reported type name, trackingName included', async () => {
  class Widget extends Trackable {
    static override trackingName = 'ui.Widget';
  }
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  lookUp(Widget);
  const { serial } = garbage(() => new Widget());
  await collectUntil(() => recorder.destroyed(serial).length === 1, { what: 'the destroyed notification' });
  assert.deepEqual(lookUpInstance(serial, 'ui.Widget'), { status: 'collected' });
  assert.deepEqual(lookUpInstance(serial, 'Widget'), { status: 'not-kept' });
});

test('setInstanceLookup takes a class', () => {
  assert.throws(() => setInstanceLookup('Widget' as unknown as TrackedClass), TypeError);
  assert.throws(() => setInstanceLookup(null as unknown as TrackedClass), TypeError);
});
