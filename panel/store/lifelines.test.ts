import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AgentBatch, type WorkerToPanel } from '../../agent/protocol/messages.js';
import { RELEASED_BUNDLE } from '../../agent/protocol/bundle-preview.js';
import { Lifelines, MAX_BUNDLE_HISTORY } from './lifelines.js';
import { NO_TAB, PanelStore } from './panel-store.js';
import { eventBatch, relay as relayMessage, type TestEvent } from '../../extension/test-support/messages.js';
import { ViewState } from '../views/shared/view-state.js';

const batch = (seq: number, events: TestEvent[], { frame = 'f1', t0 = 1_000 } = {}): AgentBatch => eventBatch('s1', seq, events, { frame, t0 });
const relay = (message: AgentBatch, frameId = 0): WorkerToPanel => relayMessage(message, 1, frameId);

/** Everything a lifeline holds, by type, in row order: what the timeline draws. */
function dump(lifelines: Lifelines): Record<string, unknown[]> {
  return Object.fromEntries(
    lifelines.typeNames.map((name, type) => [
      name,
      [...lifelines.rows(type)].map((id) => {
        const ticks: number[] = [];
        lifelines.forEachTick(id, (time) => ticks.push(time));
        return {
          frame: lifelines.stream(id),
          serial: lifelines.serial(id),
          created: lifelines.created(id),
          detached: lifelines.detachedAt(id),
          destroyed: lifelines.destroyedAt(id),
          bundle: lifelines.bundle(id),
          ticks,
        };
      }),
    ]),
  );
}

test('a lifeline holds its attach, detach, updates and destroy; rows are grouped by type in serial order', () => {
  const store = new PanelStore(1, () => {});
  const view = new ViewState(store);
  store.receive(relay(batch(1, [['attached', 1, 'W'], ['attached', 2, 'S', '{"a":1}'], ['attached', 3, 'W']], { t0: 1_000 })));
  store.receive(relay(batch(2, [['updated', 2, 'S', '{"a":2}'], ['detached', 1, 'W'], ['updated', 2, 'S', '{"a":3}'], ['destroyed', 3, 'W']], { t0: 2_000 })));
  // Events of instances never seen attached (a recording started mid-session) are ignored.
  store.receive(relay(batch(3, [['destroyed', 99, 'W'], ['updated', 98, 'W', '{}'], ['detached', 97, 'S']], { t0: 3_000 })));
  const lifelines = view.selected!.lifelines;
  assert.deepEqual(dump(lifelines), {
    W: [
      { frame: 'f1', serial: 1, created: 1_000, detached: 2_001, destroyed: NaN, bundle: undefined, ticks: [] },
      { frame: 'f1', serial: 3, created: 1_002, detached: NaN, destroyed: 2_003, bundle: undefined, ticks: [] },
    ],
    S: [{ frame: 'f1', serial: 2, created: 1_001, detached: NaN, destroyed: NaN, bundle: '{"a":3}', ticks: [2_000, 2_002] }],
  });
  assert.equal(lifelines.size, 3);
  assert.equal(lifelines.lastTime, 3_002);
});

test('frames interleaving serials are ordered by serial, then frame', () => {
  const lifelines = new Lifelines();
  const [a, b] = [lifelines.streamIndex('a'), lifelines.streamIndex('b')];
  const w = lifelines.typeIndex('W');
  lifelines.attached(a, 5, w, 1, undefined);
  lifelines.attached(b, 1, w, 2, undefined);
  lifelines.attached(a, 6, w, 3, undefined);
  lifelines.attached(b, 5, w, 4, undefined);
  const order = () => [...lifelines.rows(w)].map((id) => `${lifelines.stream(id)}${lifelines.serial(id)}`);
  assert.deepEqual(order(), ['b1', 'a5', 'b5', 'a6']);
  lifelines.attached(b, 2, w, 5, undefined);
  assert.deepEqual(order(), ['b1', 'b2', 'a5', 'b5', 'a6']);
});

test('attaching again keeps the lifeline: live again, with the new bundle and a tick', () => {
  const lifelines = new Lifelines();
  const [f, w] = [lifelines.streamIndex('f'), lifelines.typeIndex('W')];
  lifelines.attached(f, 1, w, 10, '{"v":1}');
  lifelines.detached(f, 1, 20);
  // A second detach (from another tracker) keeps the first time.
  lifelines.detached(f, 1, 25);
  assert.equal(lifelines.detachedAt(0), 20);
  lifelines.attached(f, 1, w, 30, '{"v":2}');
  assert.deepEqual(dump(lifelines)['W'], [{ frame: 'f', serial: 1, created: 10, detached: NaN, destroyed: NaN, bundle: '{"v":2}', ticks: [30] }]);
  assert.deepEqual(lifelines.record('f', 1), {
    type: 'W',
    created: 10,
    bundle: '{"v":2}',
    history: [
      { time: 10, op: 'attached', bundle: '{"v":1}' },
      { time: 30, op: 'attached', bundle: '{"v":2}' },
    ],
  });
  assert.equal(lifelines.record('f', 2), undefined);
});

test('bounded: the oldest rows and ticks go first, counted, and lookups forget them', () => {
  const lifelines = new Lifelines(3_000, 5_000);
  const f = lifelines.streamIndex('f');
  const types = [lifelines.typeIndex('A'), lifelines.typeIndex('B')];
  for (let serial = 1; serial <= 10_000; serial++) {
    lifelines.attached(f, serial, types[serial % 2]!, serial, undefined);
    lifelines.updated(f, serial, serial + 0.5, `{"s":${serial}}`);
    // Updates of an evicted row get no tick: serial 1 goes when 3,001 arrives.
    if (serial > 1) lifelines.updated(f, 1, serial, undefined);
  }
  assert.equal(lifelines.size, 3_000);
  assert.equal(lifelines.evictedRows, 7_000);
  assert.equal(lifelines.tickCount, 5_000);
  assert.equal(lifelines.evictedTicks, 10_000 + 2_999 - 5_000);
  assert.equal(lifelines.find('f', 1), undefined);
  assert.equal(lifelines.find('f', 7_000), undefined);
  const kept = lifelines.find('f', 7_001)!;
  assert.equal(lifelines.serial(kept), 7_001);
  assert.equal(lifelines.bundle(kept), '{"s":7001}');
  const a = [...lifelines.rows(types[0]!)].map((id) => lifelines.serial(id));
  const b = [...lifelines.rows(types[1]!)].map((id) => lifelines.serial(id));
  assert.equal(a.length + b.length, 3_000);
  assert.deepEqual([a[0], a.at(-1), b[0], b.at(-1)], [7_002, 10_000, 7_001, 9_999]);
});

test('evicting ticks unlinks the oldest of a kept row; its newer ticks stay', () => {
  const lifelines = new Lifelines(10, 4);
  const [f, w] = [lifelines.streamIndex('f'), lifelines.typeIndex('W')];
  lifelines.attached(f, 1, w, 0, undefined);
  lifelines.attached(f, 2, w, 0, undefined);
  for (let time = 1; time <= 6; time++) lifelines.updated(f, 1, time, undefined);
  lifelines.updated(f, 2, 7, undefined);
  const ticks = (serial: number) => {
    const times: number[] = [];
    lifelines.forEachTick(lifelines.find('f', serial)!, (time) => times.push(time));
    return times;
  };
  assert.deepEqual(ticks(1), [4, 5, 6]);
  assert.deepEqual(ticks(2), [7]);
  for (let time = 8; time <= 10; time++) lifelines.updated(f, 2, time, undefined);
  assert.deepEqual(ticks(1), []);
  assert.deepEqual(ticks(2), [7, 8, 9, 10]);
  lifelines.updated(f, 1, 11, undefined);
  assert.deepEqual(ticks(1), [11]);
  assert.equal(lifelines.evictedTicks, 7);
});

test('rows out of arrival order are evicted by age, and never read back', () => {
  const lifelines = new Lifelines(4);
  const [a, b] = [lifelines.streamIndex('a'), lifelines.streamIndex('b')];
  const w = lifelines.typeIndex('W');
  for (const [frame, serial] of [[a, 10], [b, 1], [a, 11], [b, 2], [a, 12], [b, 3]] as const) lifelines.attached(frame, serial, w, serial, undefined);
  assert.deepEqual([...lifelines.rows(w)].map((id) => `${lifelines.stream(id)}${lifelines.serial(id)}`), ['b2', 'b3', 'a11', 'a12']);
  assert.equal(lifelines.evictedRows, 2);
  // Sorted once read, the list no longer has the oldest at its front: evictions are filtered out.
  for (let serial = 4; serial <= 2_000; serial++) lifelines.attached(serial % 2 === 0 ? a : b, serial, w, serial, undefined);
  assert.deepEqual([...lifelines.rows(w)].map((id) => `${lifelines.stream(id)}${lifelines.serial(id)}`), ['b1997', 'a1998', 'b1999', 'a2000']);
  assert.equal(lifelines.has(lifelines.find('b', 1_999)!), true);
  assert.equal(lifelines.find('b', 3), undefined);
});

test('an imported recording gives the same lifelines as the live session it was exported from', () => {
  const live = new PanelStore(1, () => {});
  const liveView = new ViewState(live);
  live.receive(relay(batch(1, [['attached', 1, 'W', '{"a":1}'], ['attached', 2, 'S'], ['attached', 3, 'W']], { t0: 1_000 })));
  live.receive(relay(batch(1, [['attached', 1, 'W'], ['updated', 1, 'W', '{"x":1}']], { frame: 'f2', t0: 1_500 }), 2));
  live.receive(relay(batch(2, [['updated', 1, 'W', '{"a":2}'], ['detached', 2, 'S'], ['destroyed', 3, 'W'], ['attached', 2, 'S']], { t0: 2_000 })));
  const recording = liveView.exportSession();
  assert.ok(recording);
  const viewer = new PanelStore(NO_TAB, () => {});
  const viewerView = new ViewState(viewer);
  assert.equal(viewerView.importRecording(JSON.stringify(recording), 'rec.json'), true);
  assert.deepEqual(dump(viewerView.selected!.lifelines), dump(liveView.selected!.lifelines));
  assert.equal(dump(liveView.selected!.lifelines)['W']!.length, 3);
});

test('an instance beyond the session records is still selectable through its lifeline', () => {
  const store = new PanelStore(1, () => {});
  const view = new ViewState(store);
  const events: TestEvent[] = Array.from({ length: 10_001 }, (_, i) => ['attached', i + 1, 'W', `{"i":${i + 1}}`]);
  store.receive(relay(batch(1, events)));
  view.selectInstance('s1', 'f1', 1);
  assert.deepEqual(view.selectedInstance()?.record, { type: 'W', created: 1_000, bundle: '{"i":1}' });
});

test('several frames: each finds its own serials, out of order and attached again after destroyed, through eviction', () => {
  const lifelines = new Lifelines(6);
  const [a, b] = [lifelines.streamIndex('a'), lifelines.streamIndex('b')];
  const w = lifelines.typeIndex('W');
  lifelines.attached(a, 1, w, 1, '{"a":1}');
  lifelines.attached(b, 1, w, 2, '{"b":1}');
  lifelines.attached(a, 2, w, 3, undefined);
  // Out of order in frame b: below its highest serial.
  lifelines.attached(b, 5, w, 4, undefined);
  lifelines.attached(b, 3, w, 5, undefined);
  const where = (frame: string, serial: number) => {
    const id = lifelines.find(frame, serial);
    return id === undefined ? undefined : `${lifelines.stream(id)}${lifelines.serial(id)}@${lifelines.created(id)}`;
  };
  assert.deepEqual([where('a', 1), where('b', 1), where('a', 2), where('b', 5), where('b', 3), where('a', 3)], ['a1@1', 'b1@2', 'a2@3', 'b5@4', 'b3@5', undefined]);
  // Destroyed, then attached again: a new lifeline, which lookups find.
  lifelines.destroyed(a, 1, 6);
  lifelines.attached(a, 1, w, 7, '{"a":2}');
  assert.equal(where('a', 1), 'a1@7');
  assert.equal(lifelines.size, 6);
  // The bound is 6: the next two evict the two oldest lifelines, a1@1 and b1@2.
  lifelines.attached(b, 6, w, 8, undefined);
  lifelines.attached(a, 4, w, 9, undefined);
  assert.deepEqual([where('a', 1), where('b', 1), where('b', 3), where('b', 6), where('a', 4)], ['a1@7', undefined, 'b3@5', 'b6@8', 'a4@9']);
  assert.equal(lifelines.bundle(lifelines.find('a', 1)!), '{"a":2}');
  assert.equal(lifelines.evictedRows, 2);
  // Events for an evicted instance are ignored; the other frame's same serial is untouched.
  lifelines.updated(b, 1, 10, '{"b":2}');
  lifelines.destroyed(b, 1, 10);
  assert.equal(where('b', 1), undefined);
  assert.deepEqual(lifelines.typeNames.flatMap((_, type) => [...lifelines.rows(type)].map((id) => `${lifelines.stream(id)}${lifelines.serial(id)}`)), ['a1', 'a2', 'b3', 'a4', 'b5', 'b6']);
});

test('the row arrays are a ring: many laps past the bound keep every column of the kept rows', () => {
  const lifelines = new Lifelines(5, 7);
  const f = lifelines.streamIndex('f');
  const types = [lifelines.typeIndex('A'), lifelines.typeIndex('B')];
  for (let serial = 1; serial <= 103; serial++) {
    lifelines.attached(f, serial, types[serial % 2]!, serial * 10, `{"s":${serial}}`);
    if (serial % 3 === 0) lifelines.detached(f, serial, serial * 10 + 1);
    if (serial % 4 === 0) lifelines.destroyed(f, serial - 1, serial * 10 + 2);
    lifelines.updated(f, serial, serial * 10 + 3, `{"u":${serial}}`);
  }
  assert.equal(lifelines.size, 5);
  assert.equal(lifelines.evictedRows, 98);
  assert.deepEqual(dump(lifelines), {
    A: [
      { frame: 'f', serial: 100, created: 1_000, detached: NaN, destroyed: NaN, bundle: '{"u":100}', ticks: [1_003] },
      { frame: 'f', serial: 102, created: 1_020, detached: 1_021, destroyed: NaN, bundle: '{"u":102}', ticks: [1_023] },
    ],
    B: [
      { frame: 'f', serial: 99, created: 990, detached: 991, destroyed: 1_002, bundle: '{"u":99}', ticks: [993] },
      { frame: 'f', serial: 101, created: 1_010, detached: NaN, destroyed: NaN, bundle: '{"u":101}', ticks: [1_013] },
      { frame: 'f', serial: 103, created: 1_030, detached: NaN, destroyed: NaN, bundle: '{"u":103}', ticks: [1_033] },
    ],
  });
  assert.equal(lifelines.tickCount, 7);
});

test('bundle history: the attach, then each change; bounded in depth and in instances', () => {
  const lifelines = new Lifelines(100, 1_000, 2);
  const [f, w] = [lifelines.streamIndex('f'), lifelines.typeIndex('W')];
  const history = (serial: number) => lifelines.record('f', serial)?.history?.map((entry) => `${entry.op} ${entry.time} ${entry.bundle}`);
  lifelines.attached(f, 1, w, 10, 'a0');
  lifelines.attached(f, 2, w, 11, undefined);
  lifelines.attached(f, 3, w, 12, 'c0');
  assert.equal(history(1), undefined, 'never changed: no history kept');
  lifelines.updated(f, 1, 20, 'a1');
  lifelines.updated(f, 1, 21, undefined);
  assert.deepEqual(history(1), ['attached 10 a0', 'updated 20 a1', 'updated 21 undefined']);
  assert.equal(lifelines.record('f', 1)!.bundle, undefined);
  for (let time = 22; time < 22 + MAX_BUNDLE_HISTORY; time++) lifelines.updated(f, 1, time, `a${time}`);
  assert.equal(history(1)!.length, MAX_BUNDLE_HISTORY);
  assert.equal(history(1)!.at(-1), `updated ${21 + MAX_BUNDLE_HISTORY} a${21 + MAX_BUNDLE_HISTORY}`);
  // Two histories at most: the third instance changed takes the oldest one's.
  lifelines.updated(f, 2, 30, 'b1');
  lifelines.updated(f, 3, 31, 'c1');
  assert.deepEqual(history(3), ['attached 12 c0', 'updated 31 c1']);
  assert.deepEqual(history(1), [`updated ${21 + MAX_BUNDLE_HISTORY} a${21 + MAX_BUNDLE_HISTORY}`], 'only the latest change is still known');
  // Changed again, it gets a history back, without the start it lost.
  lifelines.updated(f, 1, 50, 'a50');
  assert.deepEqual(history(1), ['updated 50 a50']);
  assert.deepEqual(history(2), ['updated 30 b1']);
});

test('detached instances are read in the order their detaches arrived; attached again, they leave the list', () => {
  const lifelines = new Lifelines(4);
  const [a, b] = [lifelines.streamIndex('a'), lifelines.streamIndex('b')];
  const w = lifelines.typeIndex('W');
  const detached = () => {
    const found: string[] = [];
    lifelines.forEachDetached((id) => found.push(`${lifelines.stream(id)}${lifelines.serial(id)}@${lifelines.detachedAt(id)}`));
    return found;
  };
  lifelines.attached(a, 1, w, 1, undefined);
  lifelines.attached(b, 1, w, 2, undefined);
  lifelines.attached(a, 2, w, 3, undefined);
  lifelines.detached(a, 2, 10);
  lifelines.detached(b, 1, 11);
  lifelines.detached(a, 1, 12);
  lifelines.detached(a, 2, 13);
  assert.deepEqual(detached(), ['a2@10', 'b1@11', 'a1@12']);
  // Attached again, and detached again at the same time as before: listed once, at its new place.
  lifelines.attached(a, 2, w, 14, undefined);
  assert.deepEqual(detached(), ['b1@11', 'a1@12']);
  lifelines.detached(a, 2, 10);
  assert.deepEqual(detached(), ['b1@11', 'a1@12', 'a2@10']);
  // Evicted instances leave the list: the bound is 4, so a1 goes.
  lifelines.attached(a, 3, w, 15, undefined);
  lifelines.attached(a, 4, w, 16, undefined);
  assert.deepEqual(detached(), ['b1@11', 'a2@10']);
  // Bounded: stale entries go once the list outgrows what can be current.
  for (let serial = 5; serial <= 5_000; serial++) {
    lifelines.attached(b, serial, w, serial, undefined);
    lifelines.detached(b, serial, serial);
  }
  assert.deepEqual(detached(), ['b4997@4997', 'b4998@4998', 'b4999@4999', 'b5000@5000']);
});

test('a release (an update with RELEASED_BUNDLE) keeps the bundle, changes no count, and lists the instance until it is destroyed', () => {
  const store = new PanelStore(1, () => {});
  store.receive(relay(batch(1, [['attached', 1, 'W', '{"a":1}'], ['attached', 2, 'W'], ['attached', 3, 'W']], { t0: 1_000 })));
  // A page bundle that looks like the marker arrives escaped, and is an ordinary update.
  const forged = JSON.stringify({ '\u0000\u0000': 'released' });
  store.receive(relay(batch(2, [['updated', 1, 'W', RELEASED_BUNDLE], ['updated', 3, 'W', RELEASED_BUNDLE], ['updated', 2, 'W', forged], ['updated', 1, 'W', RELEASED_BUNDLE]], { t0: 2_000 })));
  const session = [...store.sessions.values()][0]!;
  const lifelines = session.lifelines;
  assert.deepEqual(session.types.get('W'), { type: 'W', live: 3, created: 3, retired: 0, peak: 3 });
  const released = (now: number, minMs: number) => session.releasedAlive(now, minMs).map((id) => `${lifelines.serial(id)}@${lifelines.releasedAt(id)}`);
  assert.deepEqual(released(40_000, 30_000), ['1@2000', '3@2001']);
  assert.deepEqual(released(32_000.5, 30_000), ['1@2000'], 'only those released over minMs ago');
  const first = session.instance('f1', 1)!;
  assert.equal(first.bundle, '{"a":1}');
  assert.equal(first.released, 2_000);
  assert.equal(first.history, undefined, 'a release is no bundle change');
  assert.equal(session.instance('f1', 2)!.released, undefined);
  assert.equal(session.instance('f1', 2)!.bundle, forged);
  store.receive(relay(batch(3, [['destroyed', 3, 'W']], { t0: 3_000 })));
  assert.deepEqual(released(40_000, 30_000), ['1@2000']);
  assert.deepEqual(session.types.get('W'), { type: 'W', live: 2, created: 3, retired: 1, peak: 3 });
});

test('released instances are listed in release order, evicted ones leave, and the list stays bounded', () => {
  const lifelines = new Lifelines(4);
  const a = lifelines.streamIndex('a');
  const w = lifelines.typeIndex('W');
  const released = () => {
    const found: number[] = [];
    lifelines.forEachReleasedAlive((id) => found.push(lifelines.serial(id)));
    return found;
  };
  for (let serial = 1; serial <= 3; serial++) lifelines.attached(a, serial, w, serial, undefined);
  lifelines.released(a, 3, 10);
  lifelines.released(a, 1, 11);
  assert.deepEqual(released(), [3, 1]);
  lifelines.attached(a, 4, w, 12, undefined);
  lifelines.attached(a, 5, w, 13, undefined);
  assert.deepEqual(released(), [3], 'serial 1 was evicted');
  for (let serial = 6; serial <= 5_000; serial++) {
    lifelines.attached(a, serial, w, serial, undefined);
    lifelines.released(a, serial, serial);
  }
  assert.deepEqual(released(), [4997, 4998, 4999, 5000]);
});
