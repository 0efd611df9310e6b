import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventBatch, hello, history, relay, totals } from '../../extension/test-support/messages.js';
import { PanelStore } from './panel-store.js';
import { ViewState } from '../views/shared/view-state.js';

const TAB = 7;

function makeStore(): { store: PanelStore; view: ViewState; asks: () => number } {
  const store = new PanelStore(TAB, (run) => run());
  const view = new ViewState(store);
  let asked = 0;
  store.askForTotals = () => asked++;
  return { store, view, asks: () => asked };
}

const counts = (view: ViewState) =>
  Object.fromEntries([...view.selected!.types.values()].map(({ type, live, created, retired }) => [type, [live, created, retired]]));

test('a history that lost its first batches: the panel asks, and the totals make its counts the page’s', () => {
  const { store, view, asks } = makeStore();
  // Batches 1–2 were evicted; 3 is kept: 2 Widgets attached, one destroyed.
  store.receive(history(TAB, [hello('s'), eventBatch('s', 3, [['attached', 10, 'Widget'], ['attached', 11, 'Widget'], ['destroyed', 10, 'Widget']])]));
  assert.equal(asks(), 1, 'asked right after the history');
  assert.deepEqual(counts(view), { Widget: [1, 2, 1] });

  // The agent's answer: everything through batch 3 (12 events in all, 4 of them dropped by its buffer).
  store.receive(relay(totals('s', 3, { Widget: [5, 9, 4], Gadget: [1, 1, 0] }, { events: 12, dropped: 4 }), TAB));
  assert.deepEqual(counts(view), { Widget: [5, 9, 4], Gadget: [1, 1, 0] });
  assert.deepEqual(view.selected!.partialDetail(), { missedEvents: 9, droppedByAgent: 4 });

  // Later batches count on top.
  store.receive(relay(eventBatch('s', 4, [['attached', 12, 'Widget'], ['destroyed', 11, 'Widget']]), TAB));
  assert.deepEqual(counts(view), { Widget: [5, 10, 5], Gadget: [1, 1, 0] });
  assert.equal(view.selected!.types.get('Widget')!.peak, 6, 'the attach came before the destroy');
});

test('totals older than a batch already applied change nothing', () => {
  const { store, view } = makeStore();
  store.receive(history(TAB, [hello('s'), eventBatch('s', 1, [['attached', 1, 'Widget']]), eventBatch('s', 2, [['attached', 2, 'Widget']])]));
  store.receive(relay(totals('s', 1, { Widget: [7, 7, 0] }), TAB));
  assert.deepEqual(counts(view), { Widget: [2, 2, 0] });
  assert.equal(view.selected!.partialDetail(), null);
});

test('each stream’s totals replace only that stream’s share of the session’s counts', () => {
  const { store, view } = makeStore();
  store.receive(
    history(TAB, [
      hello('s', 'a'),
      hello('s', 'b'),
      eventBatch('s', 1, [['attached', 1, 'Widget']], { frame: 'a' }),
      eventBatch('s', 1, [['attached', 2, 'Widget'], ['attached', 3, 'Widget']], { frame: 'b' }),
    ]),
  );
  assert.deepEqual(counts(view), { Widget: [3, 3, 0] });
  // Copy a had made 6 Widgets before anyone listened, 2 since collected.
  store.receive(relay(totals('s', 1, { Widget: [4, 6, 2] }, { frame: 'a', events: 8 }), TAB));
  assert.deepEqual(counts(view), { Widget: [6, 8, 2] });
});

test('batches missing from live relays make the panel ask again, at most once a second', () => {
  const { store, asks } = makeStore();
  store.receive(history(TAB, [hello('s'), eventBatch('s', 1, [['attached', 1, 'Widget']])]));
  const afterHistory = asks();
  store.receive(relay(eventBatch('s', 3, [['attached', 3, 'Widget']]), TAB));
  assert.equal(asks(), afterHistory, 'the history ask was under a second ago');
  store.receive(relay(eventBatch('s', 4, [['attached', 4, 'Widget']]), TAB));
  assert.equal(asks(), afterHistory, 'no gap: no ask');
});

test('an exported session keeps the totals, so its import counts the same', () => {
  const { store, view } = makeStore();
  store.receive(history(TAB, [hello('s'), eventBatch('s', 5, [['attached', 20, 'Widget']])]));
  store.receive(relay(totals('s', 5, { Widget: [3, 8, 5] }, { events: 14 }), TAB));
  const exported = store.exportSession(view.selected!.id)!;
  assert.ok(exported.sessions[0]!.messages.some((message) => message.kind === 'totals'));

  const viewer = new ViewState(new PanelStore(-1, (run) => run()));
  viewer.importRecording(JSON.stringify(exported), 'export.json');
  assert.deepEqual(counts(viewer), { Widget: [3, 8, 5] });
});
