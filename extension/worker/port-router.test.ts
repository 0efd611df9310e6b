import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noDrops, PROTOCOL_VERSION, type WorkerToPanel } from '../../agent/protocol/messages.js';
import { checkWorkerToPanel } from '../../agent/protocol/validate.js';
import { PageRelay } from '../content/page-relay.js';
import { RelayBuffer } from '../content/relay-buffer.js';
import { FakePort, FakeSessionArea, ManualTimer, PortPair } from '../test-support/fake-browser.js';
import { batch, hello, totals } from '../test-support/messages.js';
import { History } from './history.js';
import { Persister } from './persist.js';
import { foldBatch } from '../ops-runs.js';
import { PortRouter } from './port-router.js';

const EXTENSION = 'chrome-extension://abcdefgh/';

/** A started worker over `area`, restored from it unless `restored` says otherwise. */
async function worker(area = new FakeSessionArea(), restored?: Promise<void>) {
  const history = new History();
  const timer = new ManualTimer();
  const persister = new Persister(area, history, timer.set);
  const router = new PortRouter(history, persister, EXTENSION);
  await router.start(restored ?? persister.load().then((saved) => history.restore(saved)));
  return { area, history, timer, persister, router };
}

function page(router: PortRouter, tabId: number, frameId = 0): FakePort {
  const port = new FakePort('trackables-page', { tab: { id: tabId }, frameId, url: 'https://app.test/' });
  router.connect(port);
  return port;
}

function panel(router: PortRouter, tabId: number, have: { session: string; frame: string; seq: number }[] = []): FakePort {
  const port = new FakePort('trackables-panel', { url: `${EXTENSION}panel.html?tabId=${tabId}` });
  router.connect(port);
  port.deliver({ kind: 'subscribe', tabId, have });
  return port;
}

/** What a panel got, checked against the protocol like the panel would. */
function received(port: FakePort): WorkerToPanel[] {
  return port.take().map((message) => {
    const checked = checkWorkerToPanel(message);
    assert.ok(checked.ok, checked.ok ? '' : checked.reason);
    return checked.message;
  });
}

function seqs(messages: WorkerToPanel[]): string[] {
  return messages.flatMap((message) => {
    const inner = message.kind === 'relay' ? [message.message] : message.kind === 'history' ? message.entries.map((entry) => entry.message) : [];
    return inner.map((m) => (m.kind === 'batch' ? `${m.session}#${m.seq}` : m.kind));
  });
}

test('routes each tab to its own panels only, stamped with tab and frame', async () => {
  const { router } = await worker();
  const one = panel(router, 1);
  const two = panel(router, 2);
  const alsoOne = panel(router, 1);
  assert.deepEqual(received(one), [{ kind: 'history', tabId: 1, entries: [], drops: noDrops() }]);
  received(two);
  received(alsoOne);
  page(router, 1, 0).deliver(batch('a', 1));
  page(router, 2, 5).deliver(batch('b', 1, 1, 'child'));
  assert.deepEqual(received(one), [{ kind: 'relay', origin: { tabId: 1, frameId: 0 }, message: batch('a', 1) }]);
  assert.deepEqual(received(alsoOne), [{ kind: 'relay', origin: { tabId: 1, frameId: 0 }, message: batch('a', 1) }]);
  assert.deepEqual(received(two), [{ kind: 'relay', origin: { tabId: 2, frameId: 5 }, message: batch('b', 1, 1, 'child') }]);
});

test('a subscribing panel gets the history it lacks, then live relays', async () => {
  const { router } = await worker();
  const tab = page(router, 1);
  tab.deliver(hello('a'));
  for (const seq of [1, 2, 3]) tab.deliver(batch('a', seq));
  const fresh = panel(router, 1);
  assert.deepEqual(seqs(received(fresh)), ['hello', 'a#1', 'a#2', 'a#3']);
  const reconnected = panel(router, 1, [{ session: 'a', frame: 'f1', seq: 2 }]);
  assert.deepEqual(seqs(received(reconnected)), ['hello', 'a#3']);
  tab.deliver(batch('a', 4));
  assert.deepEqual(seqs(received(reconnected)), ['a#4']);
});

test('an agent repeating its hello (it does after every ready) reaches panels once', async () => {
  const { router } = await worker();
  const watcher = panel(router, 1);
  received(watcher);
  const tab = page(router, 1);
  tab.deliver(hello('a'));
  tab.deliver(hello('a'));
  tab.deliver(batch('a', 1));
  tab.deliver(hello('a'));
  assert.deepEqual(seqs(received(watcher)), ['hello', 'a#1']);
  assert.deepEqual(seqs(received(panel(router, 1))), ['hello', 'a#1']);
});

test('invalid page messages are counted, not relayed', async () => {
  const { router } = await worker();
  const watcher = panel(router, 1);
  received(watcher);
  const tab = page(router, 1);
  tab.deliver({ ...batch('a', 1), seq: 0 });
  tab.deliver({ source: 'trackables-relay', v: PROTOCOL_VERSION, kind: 'ready' });
  tab.deliver('hello');
  assert.deepEqual(received(watcher), []);
  const later = panel(router, 1);
  const [history] = received(later);
  assert.equal(history?.kind === 'history' && history.drops.invalidMessages, 3);
});

test('relay drop notices go live to panels and into the counters', async () => {
  const { router } = await worker();
  const watcher = panel(router, 1);
  received(watcher);
  page(router, 1).deliver({ source: 'trackables-relay', v: PROTOCOL_VERSION, kind: 'relay-dropped', messages: 4, events: 40, invalid: 1 });
  assert.deepEqual(seqs(received(watcher)), ['relay-dropped']);
  const [history] = received(panel(router, 1));
  assert.deepEqual(history?.kind === 'history' && history.drops, { agentEvents: 0, relayMessages: 4, historyMessages: 0, invalidMessages: 1 });
});

test('a new top-frame session tells panels the tab navigated; old sessions stay in history', async () => {
  const { router } = await worker();
  const watcher = panel(router, 1);
  received(watcher);
  const tab = page(router, 1);
  tab.deliver(hello('a', 'f1', 'https://app.test/one'));
  tab.deliver(batch('a', 1));
  const next = page(router, 1);
  next.deliver(hello('b', 'f2', 'https://app.test/two'));
  page(router, 1, 9).deliver(hello('b', 'child'));
  const got = received(watcher);
  assert.deepEqual(
    got.filter((message) => message.kind === 'tab'),
    [
      { kind: 'tab', tabId: 1, event: 'navigated', url: 'https://app.test/one' },
      { kind: 'tab', tabId: 1, event: 'navigated', url: 'https://app.test/two' },
    ],
  );
  assert.deepEqual(seqs(received(panel(router, 1))), ['hello', 'hello', 'hello', 'a#1']);
});

test('a closed tab is forgotten and its panels are told', async () => {
  const { router, history } = await worker();
  const watcher = panel(router, 1);
  const other = panel(router, 2);
  received(watcher);
  received(other);
  page(router, 1).deliver(batch('a', 1));
  received(watcher);
  router.tabRemoved(1);
  assert.deepEqual(received(watcher), [{ kind: 'tab', tabId: 1, event: 'closed' }]);
  assert.deepEqual(received(other), []);
  assert.equal(history.size, 0);
});

test('ports that are not who they claim are turned away', async () => {
  const { router } = await worker();
  const noTab = new FakePort('trackables-page', { url: `${EXTENSION}panel.html` });
  router.connect(noTab);
  assert.equal(noTab.closed, true);
  const foreignPanel = new FakePort('trackables-panel', { tab: { id: 1 }, frameId: 0, url: 'https://app.test/' });
  router.connect(foreignPanel);
  assert.equal(foreignPanel.closed, true);
  const stranger = new FakePort('something-else', { url: EXTENSION });
  router.connect(stranger);
  assert.equal(stranger.closed, true);
  const good = panel(router, 1);
  assert.equal(good.closed, false);
});

test('a panel is subscribed only after a valid PanelSubscribe, and a new one switches tabs', async () => {
  const { router } = await worker();
  const port = new FakePort('trackables-panel', { url: `${EXTENSION}panel.html` });
  router.connect(port);
  port.deliver({ kind: 'subscribe', tabId: 'one', have: [] });
  page(router, 1).deliver(batch('a', 1));
  assert.deepEqual(received(port), []);
  port.deliver({ kind: 'subscribe', tabId: 2, have: [] });
  port.deliver({ kind: 'subscribe', tabId: 1, have: [] });
  assert.deepEqual(seqs(received(port)), ['a#1']);
  page(router, 2).deliver(batch('b', 1));
  assert.deepEqual(received(port), []);
});

test('a disconnected panel gets nothing more', async () => {
  const { router } = await worker();
  const watcher = panel(router, 1);
  received(watcher);
  watcher.drop();
  assert.doesNotThrow(() => page(router, 1).deliver(batch('a', 1)));
  assert.deepEqual(watcher.posted, []);
});

test('events wait for the restore, so a restarted worker keeps order and loses nothing', async () => {
  const first = await worker();
  const tab = page(first.router, 1);
  tab.deliver(hello('a'));
  tab.deliver(batch('a', 1));
  first.timer.fire();
  await first.persister.flush();

  // The worker was stopped; a new one starts on the same storage, and ports reconnect at once.
  let finishRestore!: () => void;
  const gate = new Promise<void>((resolve) => (finishRestore = resolve));
  const history = new History();
  const persister = new Persister(first.area, history, new ManualTimer().set);
  const router = new PortRouter(history, persister, EXTENSION);
  const started = router.start(gate.then(() => persister.load()).then((saved) => history.restore(saved)));
  page(router, 1).deliver(batch('a', 2));
  const reconnected = panel(router, 1, [{ session: 'a', frame: 'f1', seq: 1 }]);
  assert.deepEqual(reconnected.posted, [], 'nothing answered before the restore');
  finishRestore();
  await started;
  assert.deepEqual(seqs(received(reconnected)), ['hello', 'a#2']);
  assert.deepEqual(seqs(received(panel(router, 1))), ['hello', 'a#1', 'a#2']);
});

test('a failed restore still lets the worker run', async (t) => {
  t.mock.method(console, 'warn', () => {});
  const { router } = await worker(new FakeSessionArea(), Promise.reject(new Error('storage unavailable')));
  const watcher = panel(router, 1);
  assert.equal(received(watcher).length, 1);
});

test('a batch sent again on a new port reaches neither the history nor the panels twice', async () => {
  const { router, timer, persister } = await worker();
  const watcher = panel(router, 1);
  received(watcher);
  const first = page(router, 1);
  first.deliver(hello('a'));
  first.deliver(batch('a', 1));
  first.deliver(batch('a', 2));
  first.drop();
  const second = page(router, 1);
  second.deliver(hello('a'));
  second.deliver(batch('a', 2));
  second.deliver(batch('a', 3));
  assert.deepEqual(seqs(received(watcher)), ['hello', 'a#1', 'a#2', 'a#3']);
  assert.deepEqual(seqs(received(panel(router, 1))), ['hello', 'a#1', 'a#2', 'a#3']);
  timer.fire();
  await persister.flush();
  assert.deepEqual(second.take(), [{ kind: 'ack', count: 3 }], 'what it already had is acknowledged too');
  assert.deepEqual(first.posted, []);
});

test('a page port is acknowledged once a write holding its messages is stored, and not before', async (t) => {
  t.mock.method(console, 'warn', () => {});
  const { area, router, timer, persister } = await worker();
  const tab = page(router, 1);
  const other = page(router, 2);
  tab.deliver(hello('a'));
  tab.deliver(batch('a', 1));
  const hold = area.holdWrites();
  const write = persister.flush();
  await hold.started;
  assert.deepEqual(tab.posted, [], 'not while the write is under way');
  // Arrives after the write took the changes: not in it, so not acknowledged with it.
  tab.deliver(batch('a', 2));
  hold.release();
  await write;
  assert.deepEqual(tab.take(), [{ kind: 'ack', count: 2 }]);
  assert.deepEqual(other.posted, [], 'a port that sent nothing hears nothing');

  area.failWrites = true;
  timer.fire();
  await persister.flush();
  assert.deepEqual(tab.posted, [], 'a failed write acknowledges nothing');
  area.failWrites = false;
  await persister.flush();
  assert.deepEqual(tab.take(), [{ kind: 'ack', count: 3 }]);
  await persister.flush();
  assert.deepEqual(tab.posted, [], 'nothing new, no acknowledgement');
});

test('a worker stopped before storing what it took: the content script sends it again, and the next worker has it all', async () => {
  const area = new FakeSessionArea();
  let current = await worker(area);
  const pairs: PortPair[] = [];
  const buffer = new RelayBuffer();
  const timers: (() => void)[] = [];
  const relay = new PageRelay(
    {
      self: 'page',
      postToPage: () => {},
      connect: () => {
        const pair = new PortPair('trackables-page', { tab: { id: 1 }, frameId: 0, url: 'https://app.test/' });
        current.router.connect(pair.worker);
        pairs.push(pair);
        return pair.content;
      },
      detach: () => {},
      schedule: (callback) => void timers.push(callback),
    },
    buffer,
  );
  const agent = (message: unknown) => relay.onWindowMessage('page', message);
  const stored = async () => {
    current.timer.fire();
    await current.persister.flush();
  };

  agent(hello('a'));
  for (const seq of [1, 2, 3]) agent(batch('a', seq));
  await stored();
  assert.equal(buffer.size, 0, 'stored and acknowledged: forgotten');
  agent(batch('a', 4));
  agent(batch('a', 5));
  // Stopped before its write-behind stored 4 and 5; 6 was on its way as it went.
  pairs[0]!.sever();
  agent(batch('a', 6));
  pairs[0]!.stop();

  current = await worker(area);
  assert.deepEqual(seqs(received(panel(current.router, 1))), ['hello', 'a#1', 'a#2', 'a#3'], 'what the storage had');
  const watcher = panel(current.router, 1, [{ session: 'a', frame: 'f1', seq: 3 }]);
  received(watcher);
  // The relay sends them again on its own once the port went: the page need not post again.
  for (const run of timers.splice(0)) run();
  assert.deepEqual(pairs[1]!.content.posted, [batch('a', 4), batch('a', 5), batch('a', 6)]);
  agent(batch('a', 7));
  assert.deepEqual(pairs[1]!.content.posted, [batch('a', 4), batch('a', 5), batch('a', 6), batch('a', 7)]);
  assert.deepEqual(seqs(received(watcher)), ['a#4', 'a#5', 'a#6', 'a#7']);
  await stored();
  assert.equal(buffer.size, 0);

  // Once more, now with nothing lost: the next worker gets nothing twice, and is not woken.
  pairs[1]!.stop();
  assert.equal(timers.length, 0);
  current = await worker(area);
  agent(batch('a', 8));
  assert.deepEqual(pairs[2]!.content.posted, [batch('a', 8)]);
  await stored();
  assert.deepEqual(seqs(received(panel(current.router, 1))), ['hello', ...[1, 2, 3, 4, 5, 6, 7, 8].map((seq) => `a#${seq}`)]);
});

test("a panel's ask for totals goes to the tab it subscribed to, and nowhere before it subscribed", async () => {
  const history = new History();
  const timer = new ManualTimer();
  const persister = new Persister(new FakeSessionArea(), history, timer.set);
  const asked: number[] = [];
  const router = new PortRouter(history, persister, EXTENSION, (tabId) => asked.push(tabId));
  await router.start(Promise.resolve());
  const early = new FakePort('trackables-panel', { url: `${EXTENSION}panel.html?tabId=4` });
  router.connect(early);
  early.deliver({ kind: 'announce' });
  assert.deepEqual(asked, []);
  const subscribed = panel(router, 3);
  subscribed.deliver({ kind: 'announce' });
  subscribed.deliver({ kind: 'announce', tabId: 9 });
  subscribed.deliver({ kind: 'announce-all' });
  assert.deepEqual(asked, [3, 3], 'its own tab only, whatever else the message says; unknown kinds ignored');
});

test('totals from a page reach the panels and are kept in the history', async () => {
  const { router } = await worker();
  const watching = panel(router, 1);
  received(watching);
  const port = page(router, 1);
  port.deliver(hello('s'));
  port.deliver(batch('s', 1));
  port.deliver(totals('s', 1, { Widget: [1, 1, 0] }));
  assert.deepEqual(seqs(received(watching)), ['hello', 's#1', 'totals']);
  assert.deepEqual(seqs(received(panel(router, 1))), ['hello', 's#1', 'totals']);
});

test('a batch the content script folded (ops-runs.ts) reaches panels and history as the agent posted it; a broken fold is counted', async () => {
  const { router } = await worker();
  const watcher = panel(router, 1);
  received(watcher);
  const tab = page(router, 1);
  const loop = { ...batch('a', 1), events: 1_000, ops: '#$##'.repeat(1_000) };
  const folded = foldBatch(loop);
  assert.ok('opsRuns' in folded, 'a loop folds');
  tab.deliver(JSON.parse(JSON.stringify(folded)));
  tab.deliver(JSON.parse(JSON.stringify({ ...folded, seq: 2, opsRuns: ['', '#$##', 999, ''] })));
  tab.deliver(JSON.parse(JSON.stringify({ ...folded, seq: 3, opsRuns: ['', '#$##', 2 ** 50, ''] })));
  assert.deepEqual(received(watcher), [{ kind: 'relay', origin: { tabId: 1, frameId: 0 }, message: loop }]);
  const [history, ...entries] = received(panel(router, 1));
  assert.equal(history?.kind === 'history' && history.drops.invalidMessages, 2, 'a count off by one, and a fold past any batch');
  assert.deepEqual(history?.kind === 'history' && history.entries.map((entry) => entry.message), [loop]);
  assert.deepEqual(entries, []);
});
