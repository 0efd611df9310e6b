import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeBatch } from './decode.js';
import { BatchEncoder, encodeOps } from './encode.js';
import {
  AGENT_SOURCE,
  MAX_EVENTS_PER_BATCH,
  MAX_ID_LENGTH,
  MAX_OPS_LENGTH,
  MAX_STRINGS_PER_BATCH,
  Op,
  PROTOCOL_VERSION,
  RELAY_SOURCE,
  type AgentBatch,
  type AgentHello,
} from './messages.js';
import {
  checkAgentMessage,
  checkAgentMessageToRelay,
  checkPageToWorker,
  checkPanelToWorker,
  checkRelayReady,
  checkWorkerToPage,
  checkWorkerToPanel,
  checkWorkerToPanelEnvelope,
  isNewerAgentKind,
  isTaggedAs,
  type Checked,
} from './validate.js';

const checkers = { checkAgentMessage, checkPageToWorker, checkPanelToWorker, checkRelayReady, checkWorkerToPage, checkWorkerToPanel };

function hello(): AgentHello {
  return {
    source: AGENT_SOURCE,
    v: PROTOCOL_VERSION,
    kind: 'hello',
    session: 'session-1',
    frame: 'frame-1',
    agent: '0.1.0',
    url: 'https://example.test/',
    time: 1_700_000_000_000.5,
  };
}

function batch(): AgentBatch {
  return {
    source: AGENT_SOURCE,
    v: PROTOCOL_VERSION,
    kind: 'batch',
    session: 'session-1',
    frame: 'frame-1',
    seq: 1,
    t0: 1_700_000_000_000.5,
    dropped: 0,
    strings: ['Session', '{"user":7}'],
    ...encodeOps([0 * 4 + Op.attached, 1, 0, -1, 0 * 4 + Op.updated, 1, 250, 1]),
  };
}

/** `ops` of one event given as its four encoded numbers (see AgentBatch), digits written by hand. */
function digits(...values: number[]): string {
  return values.map((value) => {
    let text = String.fromCharCode(0x23 + (value % 32));
    for (value = Math.floor(value / 32); value > 0; value = Math.floor(value / 32)) text = String.fromCharCode(0x5d + (value % 32)) + text;
    return text;
  }).join('');
}

function assertRejected(result: Checked<unknown>, reason?: RegExp): void {
  assert.equal(result.ok, false, 'expected a rejection');
  if (result.ok) return;
  assert.equal(typeof result.reason, 'string');
  assert.ok(result.reason.length > 0, 'a rejection says why');
  if (reason) assert.match(result.reason, reason);
}

test('valid hello and batch are accepted as the same object', () => {
  for (const message of [hello(), batch()]) {
    const checked = checkAgentMessage(message);
    assert.ok(checked.ok);
    assert.equal(checked.message, message);
    const page = checkPageToWorker(message);
    assert.ok(page.ok);
    assert.equal(page.message, message);
  }
});

test('unknown extra fields are allowed and passed on', () => {
  const message = { ...batch(), newerField: { any: 'thing' } };
  const checked = checkAgentMessage(message);
  assert.ok(checked.ok);
  assert.deepEqual(checked.message, message);
});

test('a kind only a newer minor version of the agent sends is told apart from an invalid message', () => {
  const newer = { source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'heap-summary', session: 'session-1', frame: 'frame-1', anything: [1] };
  assert.equal(checkAgentMessage(newer).ok, false, 'not a message this build reads');
  assert.equal(isNewerAgentKind(newer), true);
  for (const known of [hello(), batch(), { ...batch(), ops: '!' }, { ...hello(), kind: 'batch' }]) assert.equal(isNewerAgentKind(known), false);
  for (const [index, invalid] of [
    { ...newer, v: PROTOCOL_VERSION + 1 },
    { ...newer, source: RELAY_SOURCE },
    { ...newer, session: '' },
    { ...newer, frame: 'f'.repeat(MAX_ID_LENGTH + 1) },
    { ...newer, kind: 7 },
    null,
    'totals',
    new Proxy({}, { get: () => { throw new Error('hostile'); } }),
  ].entries()) {
    assert.equal(isNewerAgentKind(invalid), false, `case ${index}`);
  }
});

test('an empty batch, and one at the event limit, are valid', () => {
  assert.ok(checkAgentMessage({ ...batch(), strings: [], events: 0, ops: '' }).ok);
  const numbers: number[] = [];
  for (let i = 0; i < MAX_EVENTS_PER_BATCH; i++) numbers.push(Op.attached, i + 1, i, -1);
  assert.ok(checkAgentMessage({ ...batch(), strings: ['T'], ...encodeOps(numbers) }).ok);
});

test('malformed agent messages are rejected with a reason, never thrown', () => {
  const cases: [string, unknown, RegExp?][] = [
    ['wrong protocol version', { ...batch(), v: PROTOCOL_VERSION + 1 }, /^v: /],
    ['version as a string', { ...hello(), v: String(PROTOCOL_VERSION) }, /^v: /],
    ['wrong source', { ...batch(), source: RELAY_SOURCE }, /^source: /],
    ['no source', { ...hello(), source: undefined }, /^source: /],
    ['unknown kind', { ...batch(), kind: 'batches' }, /^kind: /],
    ['empty session', { ...batch(), session: '' }, /^session: /],
    ['session too long', { ...hello(), session: 'x'.repeat(MAX_ID_LENGTH + 1) }, /^session: /],
    ['frame not a string', { ...batch(), frame: 1 }, /^frame: /],
    ['hello without url', { ...hello(), url: undefined }, /^url: /],
    ['hello time not finite', { ...hello(), time: Number.POSITIVE_INFINITY }, /^time: /],
    ['seq 0', { ...batch(), seq: 0 }, /^seq: /],
    ['fractional seq', { ...batch(), seq: 1.5 }, /^seq: /],
    ['t0 NaN', { ...batch(), t0: Number.NaN }, /^t0: /],
    ['negative dropped', { ...batch(), dropped: -1 }, /^dropped: /],
    ['strings not an array', { ...batch(), strings: 'Session' }, /^strings: /],
    ['a string that is a number', { ...batch(), strings: ['Session', 7] }, /^strings\.1: /],
    ['ops not a string', { ...batch(), ops: [0, 1, 0, -1] }, /^ops: /],
    ['ops too long', { ...batch(), ops: '#'.repeat(MAX_OPS_LENGTH + 1) }, /^ops: /],
    ['events missing', { ...batch(), events: undefined }, /^events: /],
    ['events fractional', { ...batch(), events: 1.5 }, /^events: /],
    ['events past the limit', { ...batch(), events: MAX_EVENTS_PER_BATCH + 1 }, /^events: /],
    ['fewer events than announced', { ...batch(), events: 3 }, /^ops: 2 events where 3/],
    ['more events than announced', { ...batch(), events: 1 }, /^ops: more events/],
    ['ends inside an event', { ...batch(), events: 1, ops: digits(0, 1, 0) }, /^ops: ends inside an event/],
    ['ends inside a number', { ...batch(), events: 1, ops: digits(0, 1, 0) + ']' }, /^ops: ends inside a number/],
    ['a character outside the digits', { ...batch(), events: 1, ops: digits(0, 1, 0) + '"' }, /^ops: expected only the digit and repeat characters/],
    ['a repeat before any event', { ...batch(), events: 2, ops: '!$$' + digits(0, 1, 0, 0) }, /^ops: event 0: a repeat of more events than came before it/],
    ['a repeat of more events than came before', { ...batch(), events: 3, ops: digits(0, 1, 0, 0) + '!%$' }, /^ops: event 1: a repeat of more events/],
    ['a repeat of period 0', { ...batch(), events: 2, ops: digits(0, 1, 0, 0) + '!#$' }, /^ops: event 1: a repeat's period must be 1 to 8/],
    ['a repeat of period 9', { ...batch(), events: 2, ops: digits(0, 1, 0, 0) + '!,$' }, /^ops: event 1: a repeat's period must be 1 to 8/],
    ['a repeat of no events', { ...batch(), events: 1, ops: digits(0, 1, 0, 0) + '!$#' }, /^ops: event 1: a repeat of no events/],
    ['a repeat inside an event', { ...batch(), events: 2, ops: digits(0, 1) + '!$$' + digits(0, 0) }, /^ops: unexpected character at 2/],
    ['a repeat without its count', { ...batch(), events: 2, ops: digits(0, 1, 0, 0) + '!$' }, /^ops: ends inside a repeat/],
    ['a repeat past the events announced', { ...batch(), events: 3, ops: digits(0, 1, 0, 0) + '!$' + digits(3) }, /^ops: event 1: more events than the 3/],
    // A huge count is refused by arithmetic, never replayed.
    ['a repeat of a billion', { ...batch(), events: 3, ops: digits(0, 1, 0, 0) + '!$' + digits(1e9) }, /^ops: event 1: more events than the 3/],
    ['a repeat taking the serial below 1', { ...batch(), events: 4, ops: digits(0, 3, 0, 0) + digits(4, 1, 0, 0) + '!$' + digits(2) }, /^ops: event 2: serial out of range by event 3/],
    ['a repeat taking the serial past 2^53', { ...batch(), events: 3, ops: digits(0, Number.MAX_SAFE_INTEGER - 1, 0, 0) + '!$' + digits(2) }, /^ops: event 1: serial out of range by event 2/],
    // Serials 10, 11, 8, then the pair (+1, −3) again: 9, 6, 7, 4, 5, 2, 3, and 0 at the 8th copy.
    ['a repeat of two whose serials sink below 1 in its last copy', { ...batch(), events: 11, ops: digits(0, 10, 0, 0) + digits(0, 1, 0, 0) + digits(4, 3, 0, 0) + '!%' + digits(8) }, /^ops: event 3: serial out of range by event 10/],
    ['a backslash', { ...batch(), events: 1, ops: '\\###' }, /^ops: expected only the digit and repeat characters/],
    ['a non-ASCII character', { ...batch(), events: 1, ops: '#\u0100##' }, /^ops: expected only the digit and repeat characters/],
    ['type index out of range', { ...batch(), events: 1, ops: digits(2 * 8, 1, 0, 0) }, /no type name/],
    ['type index past 2^31', { ...batch(), events: 1, ops: digits(2 ** 31, 1, 0, 0) }, /no type name/],
    ['a number past 2^53', { ...batch(), events: 1, ops: digits(0, 2 ** 53 + 2, 0, 0) }, /too large/],
    ['serial 0', { ...batch(), events: 1, ops: digits(0, 0, 0, 0) }, /serial out of range/],
    ['serial stepping below 1', { ...batch(), events: 2, ops: digits(0, 3, 0, 0) + digits(4, 3, 0, 0) }, /event 1: serial out of range/],
    ['bundle index out of range', { ...batch(), events: 1, ops: digits(0, 1, 0, 3) }, /no bundle text/],
    ['time past 2^53', { ...batch(), events: 2, ops: digits(0, 1, 2 ** 53 - 1, 0) + digits(0, 1, 2 ** 53 - 1, 0) }, /time out of range/],
    ['too many strings', { ...batch(), strings: new Array(MAX_STRINGS_PER_BATCH + 1).fill('s'), events: 0, ops: '' }, /^strings: /],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'hello'],
    ['a JSON string of a valid message', JSON.stringify(batch())],
    ['a number', 1],
    ['an array', [batch()]],
    ['a function', () => batch()],
  ];
  for (const [what, message, reason] of cases) {
    let result: Checked<unknown> | undefined;
    assert.doesNotThrow(() => (result = checkAgentMessage(message)), what);
    assert.ok(result);
    assert.equal(result.ok, false, `${what}: expected a rejection`);
    if (!result.ok) {
      assert.ok(result.reason.length > 0, `${what}: a rejection says why`);
      if (reason) assert.match(result.reason, reason, what);
    }
  }
});

test('a repeat copies the events its period goes back, serial and time steps and bundles, as often as it says', () => {
  // Serials 10, 11, 8 (the third a step back), then the last two again 7 times: 9, 6, 7, 4, 5, 2, 3.
  const message = { ...batch(), strings: ['A', 'B', '{"b":1}'], events: 10, ops: digits(0, 10, 0, 0) + digits(8, 1, 3, 0) + digits(12 + 2, 3, 5, 3) + '!%' + digits(7) };
  const checked = checkAgentMessage(message);
  assert.equal(checked.ok ? null : checked.reason, null);
  const events = decodeBatch(message);
  assert.deepEqual(
    events.map((event) => [event.type, event.op, event.serial, Math.round((event.time - message.t0) * 1000), event.bundle]),
    [
      ['A', 'attached', 10, 0, undefined],
      ['B', 'attached', 11, 3, undefined],
      ['B', 'updated', 8, 8, '{"b":1}'],
      ['B', 'attached', 9, 11, undefined],
      ['B', 'updated', 6, 16, '{"b":1}'],
      ['B', 'attached', 7, 19, undefined],
      ['B', 'updated', 4, 24, '{"b":1}'],
      ['B', 'attached', 5, 27, undefined],
      ['B', 'updated', 2, 32, '{"b":1}'],
      ['B', 'attached', 3, 35, undefined],
    ],
  );
});

test('the content script\'s check leaves walking the events to the worker, and checks all else', () => {
  const good = batch();
  assert.equal(checkAgentMessageToRelay(good).ok, true);
  assert.equal(checkAgentMessageToRelay(hello()).ok, true);
  // Digits only, but no event can be read from them: relayed, then dropped by the worker.
  const unreadable = { ...good, events: 1, ops: digits(9 * 8, 0, 0, 0) };
  assert.equal(checkAgentMessageToRelay(unreadable).ok, true);
  assertRejected(checkAgentMessage(unreadable), /^ops: event 0/);
  assertRejected(checkPageToWorker(unreadable));
  for (const bad of [{ ...good, ops: '~' }, { ...good, ops: [0, 1, 0, -1] }, { ...good, events: -1 }, { ...good, v: PROTOCOL_VERSION + 1 }, { ...good, strings: [1] }]) {
    assertRejected(checkAgentMessageToRelay(bad));
  }
});

test('hostile objects (throwing getters, revoked or throwing Proxies) are rejected, not thrown', () => {
  const throwingGetter = Object.defineProperty({ ...batch() }, 'kind', {
    enumerable: true,
    get() {
      throw new Error('boom from a getter');
    },
  });
  const { proxy: revoked, revoke } = Proxy.revocable(batch(), {});
  revoke();
  const trapping = new Proxy(batch(), {
    get() {
      throw new Error('boom from a trap');
    },
  });
  const opsGetter = { ...batch(), ops: Object.defineProperty([0, 1, 0], '3', { get: () => { throw new Error('element'); } }) };
  for (const [what, message] of Object.entries({ throwingGetter, revoked, trapping, opsGetter })) {
    for (const [name, check] of Object.entries(checkers)) {
      let result: Checked<unknown> | undefined;
      assert.doesNotThrow(() => (result = check(message)), `${name}(${what})`);
      assertRejected(result!);
    }
  }
  assertRejected(checkAgentMessage(throwingGetter), /^unreadable message: boom from a getter/);
  assertRejected(checkAgentMessage(revoked), /^unreadable message: /);
});

/** An array whose element reads are counted, to see how much of it a checker walked. */
function countingArray(array: unknown[]): { array: unknown[]; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(array, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { array: proxy, reads: () => reads };
}

test('huge or wrong arrays are rejected without walking them (a sparse array is cheap to post)', () => {
  // 10 million holes: walked, each would be an issue object (gigabytes); found out by length.
  const sparse = countingArray(new Array(10_000_000));
  assertRejected(checkAgentMessage({ ...batch(), strings: sparse.array }), /^strings: /);
  assert.equal(sparse.reads(), 0);
  const opsSparse = countingArray(new Array(10_000_000));
  assertRejected(checkAgentMessage({ ...batch(), ops: opsSparse.array }), /^ops: /);
  assert.equal(opsSparse.reads(), 0);
  // Within the bound but wrong throughout: the first bad element ends the check.
  const numbers = countingArray(new Array(MAX_STRINGS_PER_BATCH).fill(0));
  assertRejected(checkAgentMessage({ ...batch(), strings: numbers.array }), /^strings\.0: /);
  assert.equal(numbers.reads(), 1);
});

test('isTaggedAs checks the source tag without ever throwing', () => {
  assert.equal(isTaggedAs(batch(), AGENT_SOURCE), true);
  assert.equal(isTaggedAs(batch(), RELAY_SOURCE), false);
  for (const data of [null, undefined, 'trackables-agent', 3, []]) assert.equal(isTaggedAs(data, AGENT_SOURCE), false);
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.equal(isTaggedAs(proxy, AGENT_SOURCE), false);
  const throwing = { get source(): string { throw new Error('no'); } };
  assert.equal(isTaggedAs(throwing, AGENT_SOURCE), false);
});

test('RelayReady and RelayDropped', () => {
  const ready = { source: RELAY_SOURCE, v: PROTOCOL_VERSION, kind: 'ready' };
  const checkedReady = checkRelayReady(ready);
  assert.ok(checkedReady.ok);
  assert.equal(checkedReady.message, ready);
  assertRejected(checkRelayReady({ ...ready, source: AGENT_SOURCE }), /^source: /);
  assertRejected(checkRelayReady({ ...ready, v: 0 }), /^v: /);
  assertRejected(checkRelayReady(hello()));
  // What a relay reads beyond the version's base: entries an agent does not know are for newer agents.
  assert.ok(checkRelayReady({ ...ready, reads: ['repeats', 'something-newer'] }).ok);
  assertRejected(checkRelayReady({ ...ready, reads: 'repeats' }), /^reads: /);
  assertRejected(checkRelayReady({ ...ready, reads: [1] }), /^reads\.0: /);

  const dropped = { source: RELAY_SOURCE, v: PROTOCOL_VERSION, kind: 'relay-dropped', messages: 3, events: 1200 };
  const checkedDropped = checkPageToWorker(dropped);
  assert.ok(checkedDropped.ok);
  assert.equal(checkedDropped.message, dropped);
  assert.ok(checkPageToWorker({ ...dropped, messages: 0, events: 0 }).ok);
  for (const bad of [
    { ...dropped, messages: -1 },
    { ...dropped, events: 1.5 },
    { ...dropped, events: '3' },
    { ...dropped, source: AGENT_SOURCE },
    { ...dropped, v: PROTOCOL_VERSION + 1 },
    { ...dropped, kind: 'dropped' },
    ready,
  ]) {
    assertRejected(checkPageToWorker(bad));
  }
  // The agent's own channel never carries relay messages.
  assertRejected(checkAgentMessage(dropped));
});

test('PanelSubscribe', () => {
  const subscribe = { kind: 'subscribe', tabId: 7, have: [{ session: 's', frame: 'f', seq: 12 }] };
  const checked = checkPanelToWorker(subscribe);
  assert.ok(checked.ok);
  assert.equal(checked.message, subscribe);
  assert.ok(checkPanelToWorker({ kind: 'subscribe', tabId: 7, have: [] }).ok);
  assertRejected(checkPanelToWorker({ ...subscribe, tabId: 1.5 }), /^tabId: /);
  assertRejected(checkPanelToWorker({ ...subscribe, tabId: '7' }), /^tabId: /);
  assertRejected(checkPanelToWorker({ ...subscribe, have: undefined }), /^have: /);
  assertRejected(checkPanelToWorker({ ...subscribe, have: [{ session: 's', frame: 'f', seq: -1 }] }), /^have\.0\.seq: /);
  assertRejected(checkPanelToWorker({ ...subscribe, have: [{ session: '', frame: 'f', seq: 1 }] }), /^have\.0\.session: /);
  assertRejected(checkPanelToWorker({ ...subscribe, kind: 'unsubscribe' }), /^kind: /);
  assertRejected(checkPanelToWorker(null));
});

test('WorkerAck', () => {
  const ack = { kind: 'ack', count: 12 };
  const checked = checkWorkerToPage(ack);
  assert.ok(checked.ok);
  assert.equal(checked.message, ack);
  assert.ok(checkWorkerToPage({ kind: 'ack', count: 0 }).ok);
  assertRejected(checkWorkerToPage({ kind: 'ack', count: -1 }), /^count: /);
  assertRejected(checkWorkerToPage({ kind: 'ack', count: 1.5 }), /^count: /);
  assertRejected(checkWorkerToPage({ kind: 'ack' }), /^count: /);
  assertRejected(checkWorkerToPage({ kind: 'acked', count: 1 }), /^kind: /);
  assertRejected(checkWorkerToPage(batch()));
});

test('WorkerToPanel: relay, history and tab events, validated down to the relayed message', () => {
  const origin = { tabId: 3, frameId: 0 };
  const drops = { agentEvents: 0, relayMessages: 1, historyMessages: 2, invalidMessages: 3 };
  const valid = [
    { kind: 'relay', origin, message: batch() },
    { kind: 'relay', origin: { tabId: 3, frameId: 12 }, message: hello() },
    { kind: 'relay', origin, message: { source: RELAY_SOURCE, v: PROTOCOL_VERSION, kind: 'relay-dropped', messages: 1, events: 2 } },
    { kind: 'history', tabId: 3, entries: [{ origin, message: hello() }, { origin, message: batch() }], drops },
    { kind: 'history', tabId: 3, entries: [], drops },
    { kind: 'tab', tabId: 3, event: 'navigated', url: 'https://example.test/next' },
    { kind: 'tab', tabId: 3, event: 'closed' },
  ];
  for (const message of valid) {
    const checked = checkWorkerToPanel(message);
    assert.ok(checked.ok, JSON.stringify(message));
    assert.equal(checked.message, message);
  }
  const invalid: unknown[] = [
    { kind: 'relay', origin, message: { ...batch(), v: PROTOCOL_VERSION - 1 } },
    { kind: 'relay', origin, message: { ...batch(), events: 1, ops: digits(9 * 8, 1, 0, 0) } },
    { kind: 'relay', origin: { tabId: 3 }, message: batch() },
    { kind: 'relay', origin: { tabId: 3, frameId: 0.5 }, message: batch() },
    { kind: 'relay', origin },
    { kind: 'history', tabId: 3, entries: [{ origin, message: { ...hello(), source: 'other' } }], drops },
    { kind: 'history', tabId: 3, entries: [], drops: { ...drops, invalidMessages: -1 } },
    { kind: 'history', tabId: 3, entries: [] },
    { kind: 'tab', tabId: 3, event: 'reloaded' },
    { kind: 'tab', tabId: 3, event: 'navigated', url: 42 },
    { kind: 'tab', event: 'closed' },
    { kind: 'subscribe', tabId: 3, have: [] },
    batch(),
    null,
    'relay',
  ];
  for (const message of invalid) assertRejected(checkWorkerToPanel(message));
  // The panel's check of its own worker: the same, but a batch's events are not walked (the worker did).
  for (const message of valid) assert.ok(checkWorkerToPanelEnvelope(message).ok, JSON.stringify(message));
  const [, unwalked, ...rest] = invalid;
  assert.ok(checkWorkerToPanelEnvelope(unwalked).ok, 'a type index out of range is found applying it, not by the envelope');
  for (const message of [invalid[0], ...rest]) assertRejected(checkWorkerToPanelEnvelope(message));
});

// Property tests: fixed seeds keep runs reproducible; a failure prints the counterexample.

type EventInput = { op: Op; serial: number; type: string; bundle: string | undefined };

const eventInput: fc.Arbitrary<EventInput> = fc.record({
  op: fc.constantFrom(Op.attached, Op.detached, Op.updated, Op.destroyed),
  serial: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  type: fc.constantFrom('Session', 'Cart', 'Trackable', '', 'Ünïcode ✓'),
  bundle: fc.option(fc.oneof(fc.string(), fc.json()), { nil: undefined }),
});

const encodedBatch = fc
  .record({
    events: fc.array(eventInput, { minLength: 1, maxLength: 200 }),
    start: fc.double({ min: 0, max: 2e12, noNaN: true }),
    steps: fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 1, maxLength: 20 }),
    readClockEvery: fc.integer({ min: 1, max: 70 }),
    seq: fc.integer({ min: 1, max: 1e9 }),
    dropped: fc.nat(),
    // Loops: an event followed by events of the next serials, which repeats shorten.
    runs: fc.array(fc.nat({ max: 40 }), { minLength: 1, maxLength: 10 }),
    repeats: fc.boolean(),
  })
  .map(({ events: drawn, start, steps, readClockEvery, seq, dropped, runs, repeats }) => {
    const events = drawn.flatMap((e, i) => {
      const run = Math.min(runs[i % runs.length]!, Number.MAX_SAFE_INTEGER - e.serial);
      return [e, ...Array.from({ length: run }, (_, k) => ({ ...e, serial: e.serial + k + 1, bundle: undefined }))];
    });
    const readings: number[] = [];
    let now = start;
    const encoder = new BatchEncoder(() => {
      now += steps[readings.length % steps.length]!;
      readings.push(now);
      return now;
    }, readClockEvery);
    encoder.repeats = repeats;
    for (const e of events) encoder.add(e.op, e.serial, e.type, e.bundle);
    return { events, readings, batch: encoder.take('session', 'frame', seq, dropped)! };
  });

test('property: encoded batches pass validation unchanged and decode to the events put in', () => {
  fc.assert(
    fc.property(encodedBatch, ({ events, readings, batch }) => {
      for (const message of [batch, JSON.parse(JSON.stringify(batch)) as AgentBatch]) {
        const checked = checkAgentMessage(message);
        assert.ok(checked.ok, checked.ok ? '' : checked.reason);
        assert.equal(checked.message, message);
        const decoded = decodeBatch(checked.message as AgentBatch);
        assert.deepEqual(
          decoded.map(({ op, serial, type, bundle }) => ({ op, serial, type, bundle })),
          events.map(({ op, serial, type, bundle }) => ({ op: (['attached', 'detached', 'updated', 'destroyed'] as const)[op], serial, type, bundle })),
        );
        for (let i = 1; i < decoded.length; i++) assert.ok(decoded[i]!.time >= decoded[i - 1]!.time);
        assert.ok(decoded[0]!.time >= readings[0]! - 0.0005);
        assert.ok(decoded.at(-1)!.time <= readings.at(-1)! + 0.0005);
      }
    }),
    { seed: 20240601, numRuns: 200 },
  );
});

/** A random change to a valid batch: a field replaced, removed, an ops character or strings slot changed. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('field' as const), key: fc.constantFrom(...Object.keys(batch()), 'extra'), value: fc.anything() }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...Object.keys(batch())) }),
  fc.record({ kind: fc.constant('op' as const), index: fc.nat(), value: fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff })) }),
  fc.record({ kind: fc.constant('string' as const), index: fc.nat(), value: fc.anything() }),
  fc.record({ kind: fc.constant('truncate' as const), length: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/** A copy of `array` with one slot replaced, or one element appended. */
function withSlot(array: unknown[], index: number, value: unknown): unknown[] {
  const copy = [...array];
  copy[index % (array.length + 1)] = value;
  return copy;
}

/** Applies `change` to a copy; an earlier change may have replaced `ops` or `strings` with anything. */
function mutate(original: Record<string, unknown>, change: Mutation): Record<string, unknown> {
  const copy = { ...original };
  const { ops, strings } = copy;
  switch (change.kind) {
    case 'field':
      copy[change.key] = change.value;
      break;
    case 'delete':
      delete copy[change.key];
      break;
    case 'op':
      if (typeof ops === 'string') {
        const at = change.index % (ops.length + 1);
        copy.ops = ops.slice(0, at) + String.fromCharCode(change.value) + ops.slice(at + 1);
      }
      break;
    case 'string':
      if (Array.isArray(strings)) copy.strings = withSlot(strings, change.index, change.value);
      break;
    case 'truncate':
      if (typeof ops === 'string') copy.ops = ops.slice(0, change.length % (ops.length + 1));
      break;
  }
  return copy;
}

test('property: random mutations of valid batches never throw, and what passes still decodes', () => {
  fc.assert(
    fc.property(encodedBatch, fc.array(mutation, { minLength: 1, maxLength: 3 }), ({ batch }, changes) => {
      let message = { ...batch } as Record<string, unknown>;
      for (const change of changes) message = mutate(message, change);
      for (const check of Object.values(checkers)) check(message);
      const checked = checkAgentMessage(message);
      if (checked.ok) {
        // Anything accepted must decode into well-formed events.
        for (const event of decodeBatch(checked.message as AgentBatch)) {
          assert.equal(typeof event.type, 'string');
          assert.ok(event.bundle === undefined || typeof event.bundle === 'string');
          assert.ok(Number.isSafeInteger(event.serial) && event.serial >= 1);
          assert.ok(Number.isFinite(event.time));
        }
      } else {
        assert.ok(checked.reason.length > 0);
      }
    }),
    { seed: 20240602, numRuns: 500 },
  );
});

test('property: arbitrary values never make a checker throw', () => {
  fc.assert(
    fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true }), (value) => {
      for (const check of Object.values(checkers)) {
        const result = check(value);
        assert.equal(typeof result.ok, 'boolean');
      }
    }),
    { seed: 20240603, numRuns: 500 },
  );
});
