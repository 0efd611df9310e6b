import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchEncoder } from '../../agent/protocol/encode.js';
import { Op, type AgentBatch } from '../../agent/protocol/messages.js';
import { CollectionSeries, leakSuspects, MAX_COLLECTIONS } from './collections.js';
import { PanelStore } from './panel-store.js';
import { MAX_BUNDLE_HISTORY } from './lifelines.js';
import { bundleHistory } from './session.js';
import { eventBatch, type TestEvent } from '../../extension/test-support/messages.js';
import { ViewState } from '../views/shared/view-state.js';
import { toBundleJson, toBundleValues } from '../../agent/post-message/sanitize.js';

const TAB = 3;
const batch = (seq: number, events: TestEvent[], t0: number): AgentBatch => eventBatch('s1', seq, events, { t0 });

function storeWith(...batches: AgentBatch[]): ViewState {
  const store = new PanelStore(TAB, () => {});
  const view = new ViewState(store);
  for (const message of batches) store.receive({ kind: 'relay', origin: { tabId: TAB, frameId: 0 }, message });
  return view;
}

test('an instance keeps its attach and latest updates, bounded, and can be selected', () => {
  const once = storeWith(batch(1, [['attached', 1, 'W', '{"a":1}'], ['updated', 1, 'W', '{"a":2}']], 1_000));
  assert.deepEqual(bundleHistory(once.selected!.instance('f1', 1)!), [
    { time: 1_000, op: 'attached', bundle: '{"a":1}' },
    { time: 1_001, op: 'updated', bundle: '{"a":2}' },
  ]);

  const updates: TestEvent[] = Array.from({ length: MAX_BUNDLE_HISTORY + 5 }, (_, i) => ['updated', 1, 'W', `{"n":${i}}`]);
  const view = storeWith(batch(1, [['attached', 1, 'W', '{"n":-1}'], ...updates], 1_000));
  const record = view.selected!.instance('f1', 1)!;
  const history = bundleHistory(record);
  assert.equal(history.length, MAX_BUNDLE_HISTORY);
  assert.equal(history.at(-1)!.bundle, `{"n":${MAX_BUNDLE_HISTORY + 4}}`);
  assert.equal(history[0]!.op, 'updated');
  assert.equal(record.bundle, history.at(-1)!.bundle);

  assert.equal(view.selectedInstance(), undefined);
  view.selectInstance('s1', 'f1', 1);
  // Records are made from the lifelines when read: equal, not the same object.
  assert.deepEqual(view.selectedInstance()?.record, record);
  view.selectInstance('s1', 'f1', 99);
  assert.equal(view.selectedInstance(), undefined, 'an unknown instance clears the selection');
});

test('live instances of a type leave out detached and destroyed ones; detached ones are listed once old enough', () => {
  const view = storeWith(
    batch(1, [['attached', 1, 'W'], ['attached', 2, 'W'], ['attached', 3, 'W'], ['attached', 4, 'S']], 1_000),
    batch(2, [['detached', 2, 'W'], ['destroyed', 3, 'W']], 2_000),
  );
  const session = view.selected!;
  const serials = (ids: number[]) => ids.map((id) => session.lifelines.serial(id));
  assert.deepEqual(serials(session.liveInstances('W')), [1]);
  assert.equal(session.instance('f1', 2)!.detached, 2_000);
  assert.deepEqual(session.detachedAlive(2_000 + 5_000, 10_000), []);
  assert.deepEqual(serials(session.detachedAlive(2_000 + 10_001, 10_000)), [2]);
});

test('a batch with destroyed events samples live counts; batches with no attach between make one collection', () => {
  const view = storeWith(
    batch(1, [['attached', 1, 'Leak'], ['attached', 2, 'Temp']], 1_000),
    batch(2, [['destroyed', 2, 'Temp']], 2_000),
    batch(3, [['attached', 3, 'Leak'], ['attached', 4, 'Temp'], ['attached', 5, 'Temp']], 3_000),
    batch(4, [['destroyed', 4, 'Temp']], 4_000),
    batch(5, [['destroyed', 5, 'Temp']], 9_000),
    batch(6, [['attached', 6, 'Leak'], ['attached', 7, 'Temp'], ['destroyed', 7, 'Temp']], 10_000),
  );
  const { collections } = view.selected!;
  // Batches 4 and 5 had no attach between them: one collection, sampled after the last. A
  // collection is timed by its first destroyed event (the test clock ticks once an event).
  assert.deepEqual(collections.times, [2_000, 4_000, 10_002]);
  assert.deepEqual(collections.values.get('Leak'), [1, 2, 3]);
  assert.deepEqual(collections.values.get('Temp'), [0, 0, 0]);
});

test('leak suspects: steady risers first, then by growth', () => {
  const series = new CollectionSeries();
  // Each sample with attaches between, as a growing count needs.
  const sample = (time: number, counts: Record<string, number>) =>
    series.collected(time, time, new Map(Object.entries(counts).map(([type, live]) => [type, { live }])));
  sample(1_000, { Leak: 1, Jumpy: 5, Flat: 3 });
  sample(2_000, { Leak: 2, Jumpy: 9, Flat: 3 });
  sample(3_000, { Leak: 3, Jumpy: 8, Flat: 3, New: 1 });
  const ranked = leakSuspects(series);
  assert.deepEqual(ranked.map((s) => [s.type, s.rises, s.growth]), [['Leak', 2, 2], ['New', 1, 1], ['Jumpy', 0, 3], ['Flat', 0, 0]]);
  assert.deepEqual(ranked[3]!.counts, [3, 3, 3]);
  assert.deepEqual(series.values.get('New'), [0, 0, 1]);

  for (let i = 0; i < MAX_COLLECTIONS; i++) sample(10_000 + i * 1_000, { Leak: 10 + i });
  assert.equal(series.times.length, MAX_COLLECTIONS);
  assert.equal(series.values.get('Leak')!.length, MAX_COLLECTIONS);
});

test('live and detached instances of several frames are listed in the order they arrived', () => {
  let clock = 1_000;
  const batchOf = (frame: string, seq: number, events: TestEvent[]): AgentBatch => {
    const encoder = new BatchEncoder(() => clock++, 1);
    for (const [op, serial, type, bundle] of events) encoder.add(Op[op], serial, type, bundle);
    return encoder.take('s1', frame, seq, 0)!;
  };
  const store = new PanelStore(TAB, () => {});
  const view = new ViewState(store);
  const feed = (frameId: number, message: AgentBatch) => store.receive({ kind: 'relay', origin: { tabId: TAB, frameId }, message });
  // Frame f2's serials are lower, but its instances come later.
  feed(0, batchOf('f1', 1, [['attached', 10, 'W'], ['attached', 11, 'W']]));
  feed(1, batchOf('f2', 1, [['attached', 1, 'W'], ['attached', 2, 'W']]));
  feed(0, batchOf('f1', 2, [['attached', 12, 'W'], ['detached', 11, 'W']]));
  feed(1, batchOf('f2', 2, [['detached', 1, 'W'], ['destroyed', 2, 'W']]));
  feed(0, batchOf('f1', 3, [['detached', 12, 'W']]));
  const session = view.selected!;
  const named = (ids: number[]) => ids.map((id) => `${session.lifelines.stream(id)}#${session.lifelines.serial(id)}`);
  assert.deepEqual(named(session.liveInstances('W')), ['f1#10']);
  assert.deepEqual(named(session.detachedAlive(clock + 60_000, 30_000)), ['f1#11', 'f2#1', 'f1#12']);
  // Attached again: live at its first attach's place, and off the detached list.
  feed(1, batchOf('f2', 3, [['attached', 1, 'W', '{"again":true}']]));
  assert.deepEqual(named(session.liveInstances('W')), ['f1#10', 'f2#1']);
  assert.deepEqual(named(session.detachedAlive(clock + 60_000, 30_000)), ['f1#11', 'f1#12']);
  assert.deepEqual(named(session.liveInstances('Nothing')), []);
});

test('bundles sent as values show as the same texts, latest and in history, whenever they are read', () => {
  const encoder = new BatchEncoder(() => 1_000, 1);
  const bundles = [{ a: 1, s: 'x' }, { a: 2, s: 'y', nested: { deep: [1] } }, 'text', { a: 3, s: 'z' }];
  bundles.forEach((bundle, i) => {
    const from = encoder.values.length;
    const shape = toBundleValues(bundle, encoder.values);
    if (shape !== undefined) encoder.addShaped(i === 0 ? Op.attached : Op.updated, 1, 'W', shape, from);
    else encoder.add(Op.updated, 1, 'W', toBundleJson(bundle));
  });
  encoder.add(Op.attached, 2, 'W', undefined);
  const from = encoder.values.length;
  encoder.addShaped(Op.updated, 2, 'W', toBundleValues({ b: true }, encoder.values)!, from);
  const sent = encoder.take('s1', 'f1', 1, 0)!;
  assert.ok(sent.values !== undefined && sent.values.length > 0);
  const view = storeWith(sent);
  const session = view.selected!;
  const texts = bundles.map((bundle) => toBundleJson(bundle));
  // Read twice: the first read builds a text and keeps it, the second reads it back.
  for (let read = 0; read < 2; read++) {
    const record = session.instance('f1', 1)!;
    assert.equal(record.bundle, texts.at(-1));
    assert.deepEqual(
      bundleHistory(record).map((entry) => entry.bundle),
      texts,
    );
    assert.equal(session.instance('f1', 2)!.bundle, '{"b":true}');
  }
});
