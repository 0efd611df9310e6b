import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AgentBatch, type AgentHello, type PageToWorker, type WorkerToPanel } from '../../agent/protocol/messages.js';
import { compareSessions, comparedPair, type CompareRow } from './compare.js';
import { PanelStore } from './panel-store.js';
import { Session } from './session.js';
import { eventBatch, hello as helloMessage, relay as relayMessage, type TestEvent } from '../../extension/test-support/messages.js';
import { ViewState } from '../views/shared/view-state.js';

const TAB = 7;

const batch = (session: string, frame: string, seq: number, events: TestEvent[]): AgentBatch => eventBatch(session, seq, events, { frame });
const hello = (session: string, frame: string, time: number): AgentHello => helloMessage(session, frame, `http://app.test/${frame}`, time);
const relay = (message: PageToWorker, frameId = 0): WorkerToPanel => relayMessage(message, TAB, frameId);

/**
 * Two page loads of one tab. s1 (older): 3 Widgets (1 collected), 1 Ad in an iframe.
 * s2 (newer): 1 Widget in the top frame and 2 in an iframe, 2 Stores; no Ad.
 */
function twoLoads(): ViewState {
  const store = new PanelStore(TAB, () => {});
  const view = new ViewState(store);
  store.receive(relay(hello('s1', 'top', 1_000)));
  store.receive(relay(hello('s1', 'ad', 1_001), 4));
  store.receive(relay(batch('s1', 'top', 1, [['attached', 1, 'Widget'], ['attached', 2, 'Widget'], ['attached', 3, 'Widget'], ['destroyed', 3, 'Widget']])));
  store.receive(relay(batch('s1', 'ad', 1, [['attached', 1, 'Ad']]), 4));
  store.receive(relay(hello('s2', 'top', 5_000)));
  store.receive(relay(hello('s2', 'child', 5_001), 6));
  store.receive(relay(batch('s2', 'top', 1, [['attached', 1, 'Widget'], ['attached', 2, 'Store'], ['attached', 3, 'Store']])));
  store.receive(relay(batch('s2', 'child', 1, [['attached', 1, 'Widget'], ['attached', 2, 'Widget']]), 6));
  return view;
}

function byType(rows: CompareRow[]): Record<string, CompareRow> {
  return Object.fromEntries(rows.map((row) => [row.type, row]));
}

test('deltas per type, iframes summed as the Types view does, types of one side marked', () => {
  const view = twoLoads();
  const store = view.store;
  const [s2, s1] = store.sessions;
  const rows = byType(compareSessions(s1!, s2!));
  assert.deepEqual(Object.keys(rows).sort(), ['Ad', 'Store', 'Widget']);
  assert.deepEqual(rows['Widget'], {
    type: 'Widget',
    only: null,
    deltaLive: 1,
    deltaCreated: 0,
    baselineLive: 2,
    targetLive: 3,
    baselineCreated: 3,
    targetCreated: 3,
    baselineRetired: 1,
    targetRetired: 0,
    baselinePeak: 3,
    targetPeak: 3,
  });
  assert.equal(rows['Ad']?.only, 'baseline');
  assert.deepEqual([rows['Ad']?.deltaLive, rows['Ad']?.targetLive, rows['Ad']?.baselineLive], [-1, 0, 1]);
  assert.equal(rows['Store']?.only, 'target');
  assert.deepEqual([rows['Store']?.deltaLive, rows['Store']?.deltaCreated], [2, 2]);
  // Reversed, every delta flips sign and the sides swap.
  const back = byType(compareSessions(s2!, s1!));
  assert.equal(back['Widget']?.deltaLive, -1);
  assert.equal(back['Ad']?.only, 'target');
});

test('an imported session compares like a live one', () => {
  const view = twoLoads();
  const store = view.store;
  const s1 = store.sessions.find((session) => session.id === 's1')!;
  assert.equal(view.importRecording(JSON.stringify(view.exportSession('s1')), 's1.json'), true);
  const imported = view.selected!;
  assert.notEqual(imported.imported, null);
  const same = compareSessions(s1, imported);
  assert.ok(same.every((row) => row.only === null && row.deltaLive === 0 && row.deltaCreated === 0 && row.baselineRetired === row.targetRetired));
  assert.equal(same.length, 2);
  const s2 = store.sessions.find((session) => session.id === 's2')!;
  assert.deepEqual(byType(compareSessions(imported, s2))['Widget'], byType(compareSessions(s1, s2))['Widget']);
});

test('empty sessions compare to no rows', () => {
  assert.deepEqual(compareSessions(new Session('a', 0), new Session('b', 1)), []);
});

test('default pair: the shown session against the one before it; picks win while listed', () => {
  const [c, b, a] = [new Session('c', 3), new Session('b', 2), new Session('a', 1)];
  const listed = [c, b, a];
  const none = { baseline: null, target: null };
  assert.deepEqual(comparedPair(listed, c, none), { baseline: b, target: c });
  assert.deepEqual(comparedPair(listed, b, none), { baseline: a, target: b });
  // The oldest shown: nothing before it, so the one after it.
  assert.deepEqual(comparedPair(listed, a, none), { baseline: b, target: a });
  assert.deepEqual(comparedPair(listed, c, { baseline: 'a', target: null }), { baseline: a, target: c });
  assert.deepEqual(comparedPair(listed, c, { baseline: 'a', target: 'b' }), { baseline: a, target: b });
  // A forgotten pick falls back to the default.
  assert.deepEqual(comparedPair(listed, c, { baseline: 'gone', target: 'gone' }), { baseline: b, target: c });
  assert.deepEqual(comparedPair([c], c, none), { baseline: undefined, target: c });
  assert.deepEqual(comparedPair([], undefined, none), { baseline: undefined, target: undefined });
});

test('the store compares the previous load with the shown one until the user picks', () => {
  const view = twoLoads();
  const store = view.store;
  const [s2, s1] = store.sessions;
  assert.deepEqual(view.compared, { baseline: s1, target: s2 });
  view.pickCompared({ baseline: 's2' });
  assert.deepEqual(view.compared, { baseline: s2, target: s2 });
  view.pickCompared({ target: 's1' });
  assert.deepEqual(view.compared, { baseline: s2, target: s1 });
  // Showing another session does not move a picked target.
  view.select('s2');
  assert.equal(view.compared.target, s1);
});
