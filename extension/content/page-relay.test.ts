import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakePort } from '../test-support/fake-browser.js';
import { PROTOCOL_VERSION, READS_ARRAY_VALUES, READS_REPEATS } from '../../agent/protocol/messages.js';
import { batch, hello, totals } from '../test-support/messages.js';
import { PageRelay, RESEND_DELAYS_MS, type RelayHost } from './page-relay.js';
import { RelayBuffer } from './relay-buffer.js';

const READY = { source: 'trackables-relay', v: PROTOCOL_VERSION, kind: 'ready', reads: [READS_REPEATS, READS_ARRAY_VALUES] };

/** A page window, the ports the relay opened, and what it posted into the page. */
function setup(buffer?: RelayBuffer) {
  const self = { name: 'window' };
  const ports: FakePort[] = [];
  const toPage: unknown[] = [];
  let invalidated = false;
  let workerAway = false;
  let detached = 0;
  const timers: { callback: () => void; delayMs: number }[] = [];
  const host: RelayHost = {
    self,
    postToPage: (message) => toPage.push(message),
    connect: () => {
      if (invalidated) throw new Error('Extension context invalidated.');
      const port = new FakePort('trackables-page');
      // With the worker away, a new port dies before it can carry anything.
      port.closed = workerAway;
      ports.push(port);
      return port;
    },
    detach: () => detached++,
    schedule: (callback, delayMs) => void timers.push({ callback, delayMs }),
  };
  const relay = new PageRelay(host, buffer);
  const post = (data: unknown, source: unknown = self) => relay.onWindowMessage(source, data);
  return {
    relay,
    ports,
    toPage,
    post,
    invalidate: () => (invalidated = true),
    workerAway: (away: boolean) => (workerAway = away),
    detached: () => detached,
    sent: () => ports.flatMap((port) => port.posted),
    /** Delays of the timers set so far. */
    delays: () => timers.map((timer) => timer.delayMs),
    /** Runs the timers due so far (not those they set). */
    runTimers: () => {
      for (const timer of timers.splice(0)) timer.callback();
    },
  };
}

test('announces itself on start, and does not connect before an agent speaks', () => {
  const page = setup();
  page.relay.start();
  assert.deepEqual(page.toPage, [READY]);
  assert.equal(page.ports.length, 0);
});

test('relays valid agent messages from its own window over one port', () => {
  const page = setup();
  page.post(hello('s'));
  page.post(batch('s', 1));
  assert.equal(page.ports.length, 1);
  assert.deepEqual(page.ports[0]!.posted, [hello('s'), batch('s', 1)]);
});

test('ignores other windows and untagged messages; counts tagged but invalid ones', () => {
  const page = setup();
  page.post(batch('s', 1), { name: 'another window' });
  page.post({ hello: 'world' });
  page.post('trackables-agent');
  page.post(null);
  assert.equal(page.ports.length, 0, 'nothing for Trackables: no port opened');
  page.post({ ...batch('s', 1), v: PROTOCOL_VERSION + 1 });
  page.post({ ...batch('s', 1), ops: 'not digits' });
  page.post(batch('s', 1));
  assert.deepEqual(page.sent(), [
    { source: 'trackables-relay', v: PROTOCOL_VERSION, kind: 'relay-dropped', messages: 0, events: 0, invalid: 1 },
    { source: 'trackables-relay', v: PROTOCOL_VERSION, kind: 'relay-dropped', messages: 0, events: 0, invalid: 1 },
    batch('s', 1),
  ]);
});

test('a newer minor version of the agent: extra fields relayed unchanged, kinds it added ignored uncounted', () => {
  const page = setup();
  const newerHello = { ...hello('s'), agent: '0.9.0', capabilities: ['heap-summary'] };
  const newerBatch = { ...batch('s', 1), summary: { Widget: 3 } };
  page.post(newerHello);
  page.post({ source: 'trackables-agent', v: PROTOCOL_VERSION, kind: 'heap-summary', session: 's', frame: 'f', counts: {} });
  page.post(newerBatch);
  // A kind a newer agent added still needs a valid envelope: anything else is invalid.
  page.post({ source: 'trackables-agent', v: PROTOCOL_VERSION, kind: 'heap-summary', session: '', frame: 'f' });
  // A newer protocol version is not understood at all: dropped and counted.
  page.post({ ...batch('s', 2), v: PROTOCOL_VERSION + 1 });
  assert.deepEqual(page.sent(), [
    newerHello,
    newerBatch,
    { source: 'trackables-relay', v: PROTOCOL_VERSION, kind: 'relay-dropped', messages: 0, events: 0, invalid: 1 },
    { source: 'trackables-relay', v: PROTOCOL_VERSION, kind: 'relay-dropped', messages: 0, events: 0, invalid: 1 },
  ]);
});

test('a valid message that JSON cannot carry is dropped and counted, and blocks nothing after it', () => {
  const page = setup();
  const cycle: Record<string, unknown> = {};
  cycle['self'] = cycle;
  // Extra fields pass validation whatever they hold; a page can post a BigInt or a cycle in one.
  page.post({ ...batch('s', 1), extra: 1n });
  page.post({ ...hello('s'), extra: cycle });
  page.post(batch('s', 2));
  assert.deepEqual(page.sent(), [
    { source: 'trackables-relay', v: PROTOCOL_VERSION, kind: 'relay-dropped', messages: 0, events: 0, invalid: 1 },
    { source: 'trackables-relay', v: PROTOCOL_VERSION, kind: 'relay-dropped', messages: 0, events: 0, invalid: 1 },
    batch('s', 2),
  ]);
  assert.equal(page.ports.length, 1, 'one port carried all of it');
  assert.deepEqual(page.toPage, [], 'a hello that cannot be relayed is not answered');
});

test('answers a hello with ready, once per agent so the two never ping-pong', () => {
  const page = setup();
  page.post(hello('s', 'top'));
  page.post(hello('s', 'top'));
  page.post(hello('s', 'child'));
  page.post(hello('s2', 'top'));
  assert.deepEqual(page.toPage, [READY, READY, READY]);
});

const ack = (count: number) => ({ kind: 'ack', count });

test('reconnects on the next message after the worker went away', () => {
  const page = setup();
  page.post(batch('s', 1));
  page.ports[0]!.deliver(ack(1));
  page.ports[0]!.drop();
  page.post(batch('s', 2));
  assert.equal(page.ports.length, 2);
  assert.deepEqual(page.ports[1]!.posted, [batch('s', 2)]);
});

test('a port that died unnoticed is replaced at once, without losing the message', () => {
  const page = setup();
  page.post(batch('s', 1));
  page.ports[0]!.deliver(ack(1));
  page.ports[0]!.closed = true;
  page.post(batch('s', 2));
  assert.deepEqual(page.ports[1]!.posted, [batch('s', 2)]);
});

test('a new port gets again, in order, all the worker did not acknowledge; acknowledged ones never', () => {
  const page = setup();
  page.post(hello('s'));
  page.post(batch('s', 1));
  page.post(batch('s', 2));
  page.post(batch('s', 3));
  page.ports[0]!.deliver(ack(2));
  // Stopped before storing batches 2 and 3 (or before they even arrived).
  page.ports[0]!.drop();
  page.post(batch('s', 4));
  assert.deepEqual(page.ports[1]!.posted, [batch('s', 2), batch('s', 3), batch('s', 4)]);
  // The new port's acknowledgements count its own messages.
  page.ports[1]!.deliver(ack(2));
  page.ports[1]!.drop();
  page.post(batch('s', 5));
  assert.deepEqual(page.ports[2]!.posted, [batch('s', 4), batch('s', 5)]);
});

test('a port gone with unacknowledged messages is reopened at once, and they go again without a new page message', () => {
  const page = setup();
  page.post(batch('s', 1));
  page.post(batch('s', 2));
  page.ports[0]!.deliver(ack(1));
  page.ports[0]!.drop();
  assert.deepEqual(page.delays(), [0]);
  page.runTimers();
  assert.equal(page.ports.length, 2);
  assert.deepEqual(page.ports[1]!.posted, [batch('s', 2)]);
  page.ports[1]!.deliver(ack(1));
  // Everything acknowledged: a worker stopped now is left asleep.
  page.ports[1]!.drop();
  assert.deepEqual(page.delays(), []);
  assert.equal(page.ports.length, 2);
});

test('a worker that keeps refusing the port is retried a few times, later each time, then left until the page speaks', () => {
  const page = setup();
  page.post(batch('s', 1));
  const retried: number[] = [];
  for (let round = 0; round < RESEND_DELAYS_MS.length + 2; round++) {
    page.ports.at(-1)!.drop();
    retried.push(...page.delays());
    page.runTimers();
  }
  assert.deepEqual(retried, RESEND_DELAYS_MS);
  assert.equal(page.ports.length, 1 + RESEND_DELAYS_MS.length);
  for (const port of page.ports) assert.deepEqual(port.posted, [batch('s', 1)]);
  // The page's next message still gets through, and an acknowledgement restores the retries.
  page.post(batch('s', 2));
  assert.deepEqual(page.ports.at(-1)!.posted, [batch('s', 1), batch('s', 2)]);
  page.ports.at(-1)!.deliver(ack(1));
  page.ports.at(-1)!.drop();
  assert.deepEqual(page.delays(), [0]);
  page.runTimers();
  assert.deepEqual(page.ports.at(-1)!.posted, [batch('s', 2)]);
});

test('acknowledgements of an old port, or malformed ones, forget nothing', () => {
  const page = setup();
  page.post(batch('s', 1));
  const old = page.ports[0]!;
  old.closed = true;
  page.post(batch('s', 2));
  old.deliver(ack(2));
  page.ports[1]!.deliver({ kind: 'ack', count: -1 });
  page.ports[1]!.deliver({ kind: 'ack', count: '2' });
  page.ports[1]!.drop();
  page.post(batch('s', 3));
  assert.deepEqual(page.ports[2]!.posted, [batch('s', 1), batch('s', 2), batch('s', 3)]);
});

test('buffers while no port takes messages, drops the oldest, then reports and sends the rest', () => {
  const page = setup(new RelayBuffer({ messages: 2, events: 1_000 }));
  page.post(batch('s', 1, 5));
  page.ports[0]!.deliver(ack(1));
  page.ports[0]!.drop();
  page.workerAway(true);
  page.post(batch('s', 2, 1));
  page.post(batch('s', 3, 2));
  page.post(batch('s', 4, 3));
  assert.deepEqual(page.sent(), [batch('s', 1, 5)], 'nothing got through meanwhile');
  page.workerAway(false);
  page.post(batch('s', 5, 4));
  assert.deepEqual(page.ports.at(-1)!.posted, [
    { source: 'trackables-relay', v: PROTOCOL_VERSION, kind: 'relay-dropped', messages: 2, events: 3, invalid: 0 },
    batch('s', 4, 3),
    batch('s', 5, 4),
  ]);
});

test('stops quietly once the extension context is invalidated', () => {
  const page = setup();
  page.post(batch('s', 1));
  page.ports[0]!.drop();
  page.invalidate();
  assert.doesNotThrow(() => page.post(batch('s', 2)));
  assert.equal(page.detached(), 1);
  assert.doesNotThrow(() => page.post(batch('s', 3)));
  assert.equal(page.detached(), 1, 'detaches once, then ignores everything');
  assert.equal(page.ports.length, 1);
});

test('a page that cannot take the ready does not break the relay', () => {
  const ports: FakePort[] = [];
  const relay = new PageRelay({
    self: 'w',
    postToPage: () => {
      throw new Error('window closed');
    },
    connect: () => {
      ports.push(new FakePort('trackables-page'));
      return ports.at(-1)!;
    },
    detach: () => {},
    schedule: () => {},
  });
  assert.doesNotThrow(() => relay.start());
  assert.doesNotThrow(() => relay.onWindowMessage('w', hello('s')));
  assert.deepEqual(ports[0]?.posted, [hello('s')]);
});

test("relays an agent's totals unchanged, and rejects (counted) totals whose counts are not numbers", () => {
  const page = setup();
  page.post(hello('s'));
  const good = totals('s', 0, { Widget: [3, 5, 2] }, { events: 7 });
  page.post(good);
  page.post({ ...good, types: [{ type: 'Widget', live: 1, created: '5', retired: 0 }] });
  assert.deepEqual(page.sent()[0], hello('s'));
  assert.deepEqual(page.sent()[1], good);
  assert.deepEqual(page.sent().slice(2), [{ source: 'trackables-relay', v: PROTOCOL_VERSION, kind: 'relay-dropped', messages: 0, events: 0, invalid: 1 }]);
});
