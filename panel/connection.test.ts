import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeOps } from '../agent/protocol/encode.js';
import { AGENT_SOURCE, noDrops, PROTOCOL_VERSION, type PanelSubscribe, type WorkerToPanel } from '../agent/protocol/messages.js';
import { checkPanelToWorker } from '../agent/protocol/validate.js';
import { backoff, keepConnected, MAX_BACKOFF_MS, type PanelPort, type Timers } from './connection.js';
import { PanelStore } from './store/panel-store.js';
import { ViewState } from './views/shared/view-state.js';

const TAB = 3;

class FakePort implements PanelPort {
  readonly sent: PanelSubscribe[] = [];
  disconnected = false;
  #onMessage: ((message: unknown) => void)[] = [];
  #onDisconnect: (() => void)[] = [];
  onMessage = { addListener: (listener: (message: unknown) => void) => void this.#onMessage.push(listener) };
  onDisconnect = { addListener: (listener: () => void) => void this.#onDisconnect.push(listener) };
  postMessage(message: PanelSubscribe): void {
    this.sent.push(message);
  }
  disconnect(): void {
    this.disconnected = true;
  }
  /** The worker sends something. */
  deliver(message: unknown): void {
    for (const listener of this.#onMessage) listener(message);
  }
  /** The worker goes away. */
  drop(): void {
    for (const listener of this.#onDisconnect) listener();
  }
}

class FakeTimers implements Timers {
  readonly waiting = new Map<number, { run: () => void; ms: number }>();
  #next = 1;
  setTimeout(run: () => void, ms: number): number {
    this.waiting.set(this.#next, { run, ms });
    return this.#next++;
  }
  clearTimeout(handle: unknown): void {
    this.waiting.delete(handle as number);
  }
  /** Runs the one pending timer and says how long it was set for. */
  fire(): number {
    assert.equal(this.waiting.size, 1, 'one timer pending');
    const [handle, { run, ms }] = [...this.waiting][0]!;
    this.waiting.delete(handle);
    run();
    return ms;
  }
}

function batchRelay(seq: number): WorkerToPanel {
  return {
    kind: 'relay',
    origin: { tabId: TAB, frameId: 0 },
    message: { source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'batch', session: 's1', frame: 'f1', seq, t0: 1, dropped: 0, strings: ['A'], ...encodeOps([0, seq, 0, -1]) },
  };
}

function setup(): { store: PanelStore; view: ViewState; ports: FakePort[]; timers: FakeTimers } {
  const store = new PanelStore(TAB, () => {});
  const view = new ViewState(store);
  const ports: FakePort[] = [];
  const timers = new FakeTimers();
  keepConnected(
    store,
    () => {
      const port = new FakePort();
      ports.push(port);
      return port;
    },
    timers,
  );
  return { store, view, ports, timers };
}

test('subscribes on connect, feeds the store, and re-subscribes at once with what it has after a disconnect', () => {
  const { store, view, ports, timers } = setup();
  assert.equal(ports.length, 1);
  assert.deepEqual(ports[0]!.sent, [{ kind: 'subscribe', tabId: TAB, have: [] }]);
  assert.ok(checkPanelToWorker(ports[0]!.sent[0]).ok);
  assert.equal(store.connection, 'connecting');
  ports[0]!.deliver({ kind: 'history', tabId: TAB, entries: [], drops: noDrops() });
  ports[0]!.deliver(batchRelay(1));
  ports[0]!.deliver(batchRelay(2));
  assert.equal(store.connection, 'connected');
  assert.equal(view.totalEvents, 2);

  ports[0]!.drop();
  assert.equal(ports.length, 2, 'reconnected without waiting');
  assert.equal(timers.waiting.size, 0);
  assert.equal(store.connection, 'reconnecting');
  assert.deepEqual(ports[1]!.sent, [{ kind: 'subscribe', tabId: TAB, have: [{ session: 's1', frame: 'f1', seq: 2 }] }]);
  // A late message on the dead port is not applied.
  ports[0]!.deliver(batchRelay(3));
  assert.equal(view.totalEvents, 2);
});

test('malformed messages from the port are counted, not thrown', () => {
  const { view, ports } = setup();
  assert.doesNotThrow(() => ports[0]!.deliver({ kind: 'relay', origin: 'nowhere' }));
  assert.equal(view.drops.invalidMessages, 1);
});

test('connections that fail again and again back off, up to a limit, and recover', () => {
  const { store, ports, timers } = setup();
  ports[0]!.drop();
  assert.equal(ports.length, 2, 'the first failure retries at once');
  const waits: number[] = [];
  for (let i = 0; i < 10; i++) {
    ports[ports.length - 1]!.drop();
    waits.push(timers.fire());
  }
  assert.deepEqual(waits, [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000]);
  ports[ports.length - 1]!.deliver(batchRelay(1));
  ports[ports.length - 1]!.drop();
  assert.equal(timers.waiting.size, 0, 'after a connection that worked, the retry is immediate again');
  assert.equal(store.connection, 'reconnecting');
});

test('a connect that throws (extension reloaded) is retried with backoff, and stop ends everything', () => {
  const store = new PanelStore(TAB, () => {});
  const timers = new FakeTimers();
  let calls = 0;
  const port = new FakePort();
  const stop = keepConnected(
    store,
    () => {
      calls++;
      if (calls <= 3) throw new Error('Extension context invalidated.');
      return port;
    },
    timers,
  );
  assert.equal(calls, 2, 'the first failure retried at once');
  assert.equal(timers.fire(), 100);
  assert.equal(calls, 3);
  assert.equal(timers.fire(), 200);
  assert.equal(port.sent.length, 1);
  stop();
  assert.ok(port.disconnected);
  port.drop();
  assert.equal(timers.waiting.size, 0);
  assert.equal(calls, 4);
});

test('backoff grows from immediate to the maximum', () => {
  assert.equal(backoff(1), 0);
  assert.equal(backoff(2), 100);
  assert.equal(backoff(100), MAX_BACKOFF_MS);
});
