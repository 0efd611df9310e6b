import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  noDrops,
  PROTOCOL_VERSION,
  RELAY_SOURCE,
  type AgentBatch,
  type AgentHello,
  type DropCounters,
  type PageToWorker,
  type WorkerToPanel,
} from '../../agent/protocol/messages.js';
import { countsOf, lifelinesOf, PanelStore } from './panel-store.js';
import { MAX_SESSIONS } from './live-sessions.js';
import { MAX_LIFELINES, ROW_BYTES } from './lifelines.js';
import { eventBatch, type TestEvent, hello as helloMessage, history as historyMessage, relay as relayMessage } from '../../extension/test-support/messages.js';
import { ViewState } from '../views/shared/view-state.js';
import { encodeOps } from '../../agent/protocol/encode.js';

const TAB = 7;
const NO_DROPS: DropCounters = noDrops();

/** A store whose notifications wait for `flush()`, as they would for an animation frame. */
function makeStore(budgetBytes?: number): { store: PanelStore; view: ViewState; flush: () => number } {
  const pending: (() => void)[] = [];
  const store = new PanelStore(TAB, (run) => pending.push(run), budgetBytes);
  return {
    store,
    view: new ViewState(store),
    flush: () => {
      const count = pending.length;
      for (const run of pending.splice(0)) run();
      return count;
    },
  };
}

const batch = eventBatch;

function hello(session: string, url: string, { frame = 'f1', time = 1_000 } = {}): AgentHello {
  return helloMessage(session, frame, url, time);
}

const relay = (message: PageToWorker, frameId = 0): WorkerToPanel => relayMessage(message, TAB, frameId);
const history = (messages: PageToWorker[], drops = NO_DROPS): WorkerToPanel => historyMessage(TAB, messages, drops);

function counts(view: ViewState, type: string): { live: number; created: number; retired: number; peak: number; delta: number } {
  const session = view.selected;
  assert.ok(session, 'a session is selected');
  const row = session.types.get(type);
  assert.ok(row, `type ${type} is known`);
  return { live: row.live, created: row.created, retired: row.retired, peak: row.peak, delta: session.delta(row) };
}

test('attached adds a live instance, detached removes it, destroyed removes it and retires it', () => {
  const { store, view } = makeStore();
  store.receive(
    relay(
      batch('s1', 1, [
        ['attached', 1, 'Widget'],
        ['attached', 2, 'Widget'],
        ['attached', 3, 'Widget'],
        ['updated', 2, 'Widget', '{"a":1}'],
        ['detached', 1, 'Widget'],
        ['destroyed', 2, 'Widget'],
        ['attached', 4, 'Gadget'],
      ]),
    ),
  );
  assert.deepEqual(counts(view, 'Widget'), { live: 1, created: 3, retired: 1, peak: 3, delta: 1 });
  assert.deepEqual(counts(view, 'Gadget'), { live: 1, created: 1, retired: 0, peak: 1, delta: 1 });
  assert.equal(view.totalEvents, 7);
  const widget = view.selected!.instance('f1', 2);
  assert.equal(widget?.type, 'Widget');
  assert.equal(widget?.bundle, '{"a":1}');
  assert.ok(widget.destroyed! > widget.created, 'destroyed after created');
});

test('a replayed batch is applied once, and the replay is not a gap', () => {
  const { store, view } = makeStore();
  const first = batch('s1', 1, [['attached', 1, 'Widget']]);
  const second = batch('s1', 2, [['attached', 2, 'Widget']], { dropped: 5 });
  store.receive(history([hello('s1', 'https://app.test/'), first]));
  store.receive(relay(second));
  // A reconnect: the worker's history holds everything again.
  store.receive(history([hello('s1', 'https://app.test/'), first, second]));
  store.receive(relay(second));
  assert.equal(counts(view, 'Widget').live, 2);
  assert.equal(view.totalEvents, 2);
  assert.equal(view.drops.gaps, 0);
  assert.equal(view.drops.agentEvents, 5);
});

test('have lists the last seq of every frame of every session, for the re-subscribe', () => {
  const { store } = makeStore();
  store.receive(relay(batch('s1', 1, [['attached', 1, 'A']])));
  store.receive(relay(batch('s1', 2, [['attached', 2, 'A']])));
  store.receive(relay(batch('s1', 1, [['attached', 1, 'B']], { frame: 'f2' }), 5));
  store.receive(relay(hello('s2', 'https://app.test/')));
  assert.deepEqual(store.have(), [
    { session: 's1', frame: 'f1', seq: 2 },
    { session: 's1', frame: 'f2', seq: 1 },
    { session: 's2', frame: 'f1', seq: 0 },
  ]);
});

test('missing seqs are counted as gaps, per frame', () => {
  const { store, view } = makeStore();
  store.receive(relay(batch('s1', 1, [['attached', 1, 'A']])));
  store.receive(relay(batch('s1', 4, [['attached', 2, 'A']])));
  store.receive(relay(batch('s1', 2, [['attached', 1, 'B']], { frame: 'f2' }), 3));
  assert.equal(view.drops.gaps, 2 + 1);
  assert.equal(counts(view, 'A').live, 2);
});

test('a reload starts a new session, selected automatically; the old one stays viewable', () => {
  const { store, view } = makeStore();
  store.receive(relay(hello('s1', 'https://app.test/one', { time: 1_000 })));
  store.receive(relay(batch('s1', 1, [['attached', 1, 'A']])));
  store.receive(relay(hello('s2', 'https://app.test/two', { time: 2_000 })));
  store.receive(relay(batch('s2', 1, [['attached', 1, 'B']], { t0: 2_001 })));
  assert.deepEqual(
    store.sessions.map((s) => [s.id, s.url]),
    [
      ['s2', 'https://app.test/two'],
      ['s1', 'https://app.test/one'],
    ],
  );
  assert.equal(view.selected?.id, 's2');
  const series = view.selected!.series;
  assert.deepEqual(series.times, [2, 2.001], 'the chart starts at the session start, with every count 0');
  assert.deepEqual(series.values.get('B'), [0, 1]);
  view.select('s1');
  assert.equal(view.selected?.id, 's1');
  assert.equal(counts(view, 'A').live, 1);
});

test('a pinned session stays selected when a new page load starts; picking the newest follows loads again', () => {
  const { store, view } = makeStore();
  store.receive(relay(hello('s1', 'https://app.test/', { time: 1_000 })));
  store.receive(relay(hello('s2', 'https://app.test/', { time: 2_000 })));
  view.select('s1');
  store.receive(relay(hello('s3', 'https://app.test/', { time: 3_000 })));
  assert.equal(view.selected?.id, 's1');
  view.select('s3');
  store.receive(relay(hello('s4', 'https://app.test/', { time: 4_000 })));
  assert.equal(view.selected?.id, 's4');
});

test('an iframe session does not take over from the top frame', () => {
  const { store, view } = makeStore();
  store.receive(relay(hello('top', 'https://app.test/', { time: 1_000 })));
  store.receive(relay(hello('inner', 'https://ads.test/', { time: 2_000, frame: 'f9' }), 4));
  assert.equal(view.selected?.id, 'top');
  const inner = store.sessions.find((s) => s.id === 'inner')!;
  assert.equal(inner.hasTopFrame, false);
  assert.equal(inner.streams.get('f9')?.frameId, 4);
});

test('mark sets the baseline of the delta column', () => {
  const { store, view } = makeStore();
  store.receive(relay(batch('s1', 1, [['attached', 1, 'A'], ['attached', 2, 'A']])));
  view.mark(5_000);
  assert.equal(counts(view, 'A').delta, 0);
  store.receive(relay(batch('s1', 2, [['attached', 3, 'A'], ['destroyed', 1, 'A'], ['destroyed', 2, 'A'], ['attached', 1, 'New']])));
  assert.equal(counts(view, 'A').delta, -1);
  assert.equal(counts(view, 'New').delta, 1);
  assert.equal(view.selected?.mark?.time, 5_000);
});

test('drop counters: agent drops summed once, worker totals taken from histories, live notices added between', () => {
  const { store, view } = makeStore();
  const relayDropped = (messages: number, invalid?: number): PageToWorker => ({
    source: RELAY_SOURCE,
    v: PROTOCOL_VERSION,
    kind: 'relay-dropped',
    messages,
    events: messages * 10,
    ...(invalid === undefined ? {} : { invalid }),
  });
  // The worker evicted a batch that said 2 events were dropped: its total is 2 + 3.
  store.receive(history([batch('s1', 2, [], { dropped: 3 })], { agentEvents: 5, relayMessages: 2, historyMessages: 1, invalidMessages: 1 }));
  assert.deepEqual(view.drops, { agentEvents: 5, relayMessages: 2, historyMessages: 1, invalidMessages: 1, gaps: 1 });
  store.receive(relay(batch('s1', 3, [], { dropped: 4 })));
  store.receive(relay(relayDropped(1, 2)));
  store.receive({ kind: 'nonsense' });
  assert.deepEqual(view.drops, { agentEvents: 9, relayMessages: 3, historyMessages: 1, invalidMessages: 4, gaps: 1 });
  // A reconnect: the worker's totals now include what was relayed live, and a stray notice in
  // the history is not counted again.
  store.receive(
    history([batch('s1', 2, [], { dropped: 3 }), relayDropped(1), batch('s1', 3, [], { dropped: 4 })], {
      agentEvents: 9,
      relayMessages: 3,
      historyMessages: 2,
      invalidMessages: 3,
    }),
  );
  assert.deepEqual(view.drops, { agentEvents: 9, relayMessages: 3, historyMessages: 2, invalidMessages: 4, gaps: 1 });
  // A restarted worker that forgot its totals does not lower them.
  store.receive(history([], NO_DROPS));
  assert.deepEqual(view.drops, { agentEvents: 9, relayMessages: 3, historyMessages: 2, invalidMessages: 4, gaps: 1 });
});

test('agent drops the worker has not reported yet are still counted from the batches', () => {
  const { store, view } = makeStore();
  store.receive(history([batch('s1', 1, [], { dropped: 3 })], NO_DROPS));
  assert.equal(view.drops.agentEvents, 3);
});

test('malformed messages are counted, never thrown, and change nothing else', () => {
  const { store, view } = makeStore();
  store.receive(relay(batch('s1', 1, [['attached', 1, 'A']])));
  const good = relay(batch('s1', 2, [['attached', 2, 'A']]));
  const hostile = new Proxy(
    {},
    {
      get() {
        throw new Error('trap');
      },
    },
  );
  const malformed: unknown[] = [
    null,
    undefined,
    42,
    'relay',
    { kind: 'relay' },
    { ...good, origin: { tabId: TAB } },
    { ...good, message: { ...(good as { message: AgentBatch }).message, ops: '#$' } },
    { ...good, message: { ...(good as { message: AgentBatch }).message, ops: '|B$##' } },
    { ...good, message: { ...(good as { message: AgentBatch }).message, v: PROTOCOL_VERSION + 1 } },
    { kind: 'history', tabId: TAB, entries: 'no', drops: NO_DROPS },
    { ...good, origin: { tabId: TAB + 1, frameId: 0 } },
    hostile,
  ];
  for (const data of malformed) assert.doesNotThrow(() => store.receive(data));
  assert.equal(view.drops.invalidMessages, malformed.length);
  assert.match(store.lastInvalid ?? '', /unreadable|trap|tab/);
  assert.equal(counts(view, 'A').live, 1);
  store.receive(good);
  assert.equal(counts(view, 'A').live, 2);
});

test('a worker batch is checked by its envelope; one whose events break stops at the event that breaks, counted invalid', () => {
  const { store, view } = makeStore();
  store.receive(relay(batch('s1', 1, [['attached', 1, 'A']])));
  // Event 2 names strings[9], which this batch lacks: the worker's walk would have dropped it.
  const broken = { ...batch('s1', 2, [['attached', 2, 'A'], ['attached', 3, 'A']]), ...encodeOps([0, 2, 0, 0, 9 * 8, 1, 0, 0]) };
  assert.doesNotThrow(() => store.receive(relay(broken)));
  assert.equal(view.drops.invalidMessages, 1);
  assert.match(store.lastInvalid ?? '', /type name/);
  assert.equal(counts(view, 'A').live, 2, 'applied up to the event that broke');
  assert.equal(view.selected!.streams.get('f1')!.lastSeq, 1, 'not taken as applied: a good copy still applies');
  store.receive(relay(batch('s1', 2, [['attached', 3, 'A']])));
  assert.equal(view.selected!.streams.get('f1')!.lastSeq, 2);
});

test('a batch of 50,000 events is applied, and subscribers hear of it once per frame', () => {
  const { store, view, flush } = makeStore();
  let heard = 0;
  store.subscribe(countsOf('s1'), () => heard++);
  const events: TestEvent[] = [];
  for (let serial = 1; serial <= 25_000; serial++) events.push(['attached', serial, `Type${serial % 50}`]);
  for (let serial = 1; serial <= 25_000; serial += 2) events.push(['destroyed', serial, `Type${serial % 50}`]);
  for (let serial = 2; serial <= 25_000; serial += 2) events.push(['detached', serial, `Type${serial % 50}`]);
  const version = store.version(countsOf('s1'));
  store.receive(relay(batch('s1', 1, events)));
  store.receive(relay(batch('s1', 2, [['attached', 25_001, 'Type1']])));
  assert.equal(heard, 0, 'nothing is told before the frame');
  assert.equal(flush(), 1, 'two messages, one scheduled flush');
  assert.equal(heard, 1);
  assert.notEqual(store.version(countsOf('s1')), version);
  assert.equal(view.totalEvents, 50_001);
  const session = view.selected!;
  let live = 0;
  let retired = 0;
  for (const row of session.types.values()) {
    live += row.live;
    retired += row.retired;
  }
  assert.equal(live, 1);
  assert.equal(retired, 12_500);
  assert.equal(session.types.size, 50);
  assert.equal(session.lifelines.size, 25_001, 'every instance is kept, within the bound');
  assert.ok(session.instance('f1', 25_001), 'the newest instance is remembered');
});

test('instances are forgotten oldest attach first; attaching a remembered serial again keeps its place', () => {
  const { store, view } = makeStore();
  // In batches within the validator's bound on events per batch.
  for (let first = 1, seq = 1; first <= MAX_LIFELINES; first += 50_000, seq++) {
    const events: TestEvent[] = [];
    for (let serial = first; serial < first + 50_000 && serial <= MAX_LIFELINES; serial++) events.push(['attached', serial, 'A']);
    if (first + 50_000 > MAX_LIFELINES) events.push(['attached', 1, 'A']);
    store.receive(relay(batch('s', seq, events)));
  }
  const session = view.selected!;
  store.receive(relay(batch('s', session.streams.get('f1')!.lastSeq + 1, [['attached', MAX_LIFELINES + 1, 'A'], ['attached', MAX_LIFELINES + 2, 'A']])));
  assert.equal(session.lifelines.size, MAX_LIFELINES);
  assert.deepEqual([1, 2, 3].map((serial) => session.instance('f1', serial) !== undefined), [false, false, true]);
  const rows = session.lifelines.rows(session.lifelines.findType('A')!);
  assert.deepEqual([...rows.subarray(0, 2)].map((id) => session.lifelines.serial(id)), [3, 4], 'the instances keep attach order');
});

test('sessions are bounded; a forgotten session is not resurrected by a replay', () => {
  const { store, view } = makeStore();
  for (let i = 1; i <= MAX_SESSIONS + 1; i++) store.receive(relay(hello(`s${i}`, `https://app.test/${i}`, { time: i * 1_000 })));
  assert.equal(store.sessions.length, MAX_SESSIONS);
  assert.equal(store.sessions.find((s) => s.id === 's1'), undefined);
  assert.equal(view.selected?.id, `s${MAX_SESSIONS + 1}`);
  store.receive(relay(batch('s1', 1, [['attached', 1, 'A']])));
  assert.equal(store.sessions.length, MAX_SESSIONS);
  assert.ok(store.have().some((h) => h.session === 's1'), 'the worker is told not to resend it');
});

test('live sessions are bounded in memory too: as a page load starts, the oldest not on screen go while the rest hold more than the budget', () => {
  const { store, view } = makeStore(5 * ROW_BYTES);
  for (let i = 1; i <= 4; i++) {
    store.receive(relay(hello(`s${i}`, `https://app.test/${i}`, { time: i * 1_000 })));
    store.receive(relay(batch(`s${i}`, 1, [['attached', 1, 'A'], ['attached', 2, 'A'], ['attached', 3, 'A']])));
  }
  // Three lifelines each: two sessions pass five rows' worth, so each load forgets the oldest.
  assert.deepEqual(store.sessions.map((session) => session.id), ['s4', 's3']);
  assert.ok(store.have().some((h) => h.session === 's1') && store.have().some((h) => h.session === 's2'), 'the worker is told not to resend them');
  // The shown session is never forgotten, however old.
  view.select('s3');
  store.receive(relay(hello('s5', 'https://app.test/5', { time: 5_000 })));
  assert.deepEqual(store.sessions.map((session) => session.id), ['s5', 's3']);
});

test('tab events and connection state are kept', () => {
  const { store, flush } = makeStore();
  assert.equal(store.connection, 'connecting');
  store.setConnection('connected');
  store.receive({ kind: 'tab', tabId: TAB, event: 'closed' });
  flush();
  assert.equal(store.connection, 'connected');
  assert.deepEqual(store.tab, { closed: true });
  store.receive({ kind: 'tab', tabId: TAB, event: 'navigated', url: 'https://app.test/next' });
  assert.deepEqual(store.tab, { closed: false, url: 'https://app.test/next' });
});

test('the store announces what changed: a batch its session\'s counts, lifelines and the totals; a load the list; the connection apart', () => {
  const { store, flush } = makeStore();
  const topics = ['sessions', 'connection', 'drops', countsOf('s1'), lifelinesOf('s1'), countsOf('s2'), lifelinesOf('s2')] as const;
  const versions = () => Object.fromEntries(topics.map((topic) => [topic, store.version(topic)]));
  const changed = (act: () => void): string[] => {
    const before = versions();
    act();
    flush();
    const after = versions();
    return topics.filter((topic) => after[topic] !== before[topic]);
  };
  assert.deepEqual(changed(() => store.receive(relay(hello('s1', 'https://app.test/')))), ['sessions']);
  assert.deepEqual(changed(() => store.receive(relay(batch('s1', 1, [['attached', 1, 'A']])))), ['drops', countsOf('s1'), lifelinesOf('s1')]);
  assert.deepEqual(changed(() => store.receive(relay(batch('s1', 1, [['attached', 1, 'A']])))), [], 'a replay changes nothing');
  assert.deepEqual(
    changed(() => {
      store.receive(relay(hello('s2', 'https://app.test/', { time: 2_000 })));
      store.receive(relay(batch('s2', 1, [['attached', 1, 'B']])));
    }),
    ['sessions', 'drops', countsOf('s2'), lifelinesOf('s2')],
  );
  assert.deepEqual(changed(() => store.setConnection('connected')), ['connection']);
  assert.deepEqual(changed(() => store.mark('s1', 5_000)), [countsOf('s1')]);
  assert.deepEqual(changed(() => store.receive({ kind: 'nonsense' })), ['drops']);
});
