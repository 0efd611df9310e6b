import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { isRelease, decodeBatch } from './protocol/decode.js';
import { Op } from './protocol/messages.js';
import { parseBundle, RELEASED_BUNDLE } from './protocol/bundle-preview.js';
import { PostMessageTracker } from './post-message/post-message-tracker.js';
import { collectUntil } from './test-support/collect.js';
import { FakeWindow } from './test-support/fake-window.js';
import { Recorder } from './test-support/recorder.js';
import { getTrackerSerial, release, setDataBundle, setTracker, track } from './track.js';
import { Trackable, setGlobalTracker } from './trackable.js';
import { Tracker } from './tracker.js';

let reported: unknown[];
beforeEach(() => {
  reported = [];
  (globalThis as { reportError?: (error: unknown) => void }).reportError = (error) => reported.push(error);
});
afterEach(() => {
  setGlobalTracker(null);
  delete (globalThis as { reportError?: unknown }).reportError;
});

class Widget extends Trackable {}
class Series {}

const microtasks = () => new Promise<void>((resolve) => queueMicrotask(resolve));

test('release tells the tracker of a Trackable and of a tracked object, with serial, type and bundle', () => {
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  const widget = new Widget();
  widget.setDataBundle({ id: 1 });
  const series = track(new Series(), { type: 'PriceSeries' });
  setDataBundle(series, 'eur');
  release(widget);
  release(series);
  assert.deepEqual(recorder.of(widget.getTrackerSerial()).at(-1), ['released', 'Widget', { id: 1 }]);
  assert.deepEqual(recorder.of(getTrackerSerial(series)).at(-1), ['released', 'PriceSeries', 'eur']);
});

test('release ignores primitives, untracked objects and objects without a tracker, and never throws', () => {
  const recorder = new Recorder();
  setGlobalTracker(recorder);
  const untracked = new Series();
  const orphan = track(new Series());
  setTracker(orphan, null);
  const before = recorder.events.length;
  for (const value of [undefined, null, 7, 'x', Symbol('s'), untracked, orphan, () => {}, Proxy.revocable({}, {}).proxy]) release(value);
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  release(revoked.proxy);
  assert.equal(recorder.events.length, before);

  setGlobalTracker({
    notifyReleased() {
      throw new Error('tracker bug');
    },
  });
  const widget = new Widget();
  assert.doesNotThrow(() => release(widget));
  assert.equal((reported[0] as Error).message, 'tracker bug');
  class Hostile extends Trackable {
    override getTracker(): never {
      throw new Error('overridden getter');
    }
  }
  assert.doesNotThrow(() => release(new Hostile()));
  assert.equal((reported[1] as Error).message, 'overridden getter');
});

test('Tracker counts do not change on release; the instance is retired only when collected', async () => {
  const tracker = new Tracker();
  setGlobalTracker(tracker);
  let widget: Widget | null = new Widget();
  release(widget);
  assert.deepEqual(tracker.snapshot().types, [{ name: 'Widget', allocated: 1, deallocated: 0 }]);
  widget = null;
  await collectUntil(() => tracker.get('Widget')!.deallocated === 1, { what: 'the released widget collected' });
  assert.equal(tracker.get('Widget')!.allocated, 0);
});

test('PostMessageTracker sends a release as an update with RELEASED_BUNDLE, forwarding it; readers tell it apart', async () => {
  const window = new FakeWindow();
  const forward = new Recorder();
  const tracker = new PostMessageTracker({ target: window, forward });
  window.ready();
  setGlobalTracker(tracker);
  const widget = new Widget();
  widget.setDataBundle({ id: 1 });
  release(widget);
  // A page cannot forge a release: its placeholder-like key is escaped.
  const hostile = new Widget();
  hostile.setDataBundle({ '\u0000': 'released' });
  const hostileText = new Widget();
  hostileText.setDataBundle(RELEASED_BUNDLE);
  await microtasks();
  const events = window.events();
  const serial = widget.getTrackerSerial();
  assert.deepEqual(
    events.filter((event) => event.serial === serial).map(({ op, bundle }) => ({ op, bundle })),
    [
      { op: 'attached', bundle: undefined },
      { op: 'updated', bundle: '{"id":1}' },
      { op: 'updated', bundle: RELEASED_BUNDLE },
    ],
  );
  assert.equal(RELEASED_BUNDLE, '{"\\u0000":"released"}');
  const releases = events.filter((event) => isRelease(Op[event.op], event.bundle)).map((event) => event.serial);
  assert.deepEqual(releases, [serial]);
  const forged = events.find((event) => event.serial === hostile.getTrackerSerial() && event.op === 'updated')!;
  assert.deepEqual(parseBundle(forged.bundle!), { '\u0000\u0000': 'released' });
  assert.deepEqual(forward.of(serial).map(([event]) => event), ['attached', 'updated', 'released']);
  tracker.dispose();
});

test('decodeBatch keeps a release an update: older readers count nothing for it', async () => {
  const window = new FakeWindow();
  const tracker = new PostMessageTracker({ target: window });
  window.ready();
  tracker.notifyReleased(5, Series, undefined);
  await microtasks();
  const [batch] = window.batches();
  assert.deepEqual(decodeBatch(batch!).map(({ op, serial, bundle }) => ({ op, serial, bundle })), [{ op: 'updated', serial: 5, bundle: RELEASED_BUNDLE }]);
  tracker.dispose();
});
