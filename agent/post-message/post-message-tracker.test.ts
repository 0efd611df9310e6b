import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { collectUntil } from '../test-support/collect.js';
import { FakeWindow } from '../test-support/fake-window.js';
import { AGENT_SOURCE, DEVTOOLS_HOOK, PROTOCOL_VERSION, READS_ARRAY_VALUES, READS_REPEATS, RELAY_SOURCE } from '../protocol/messages.js';
import { parseBundle, RELEASED_BUNDLE, shapeText } from '../protocol/bundle-preview.js';
import { toBundleJson } from './sanitize.js';
import { Trackable, setGlobalTracker } from '../trackable.js';
import { Tracker } from '../tracker.js';
import type { TrackerProtocol } from '../tracker-protocol.js';
import { VERSION } from '../version.js';
import { findInstance, setInstanceLookup } from '../instance-lookup.js';
import type { DevToolsHook } from './devtools-hook.js';
import { PostMessageTracker } from './post-message-tracker.js';

class Session {}
class Socket {
  static trackingName = 'net.Socket';
}

/** Lets queued microtasks (the tracker's flush) run. */
const microtasks = () => new Promise<void>((resolve) => queueMicrotask(resolve));

/** Attached events for serials `from`..`to`, one call each. */
function attach(tracker: TrackerProtocol, from: number, to: number, type: object = Session): void {
  for (let serial = from; serial <= to; serial++) tracker.notifyAttached?.(serial, type as typeof Session, undefined);
}

function serials(window: FakeWindow): number[] {
  return window.events().map((event) => event.serial);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

let reported: unknown[];
beforeEach(() => {
  reported = [];
  (globalThis as { reportError?: (error: unknown) => void }).reportError = (error) => reported.push(error);
});
afterEach(() => {
  delete (globalThis as { reportError?: unknown }).reportError;
});

describe('PostMessageTracker handshake', () => {
  it('posts a hello at start, to the page origin ("*" without one)', () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window });
    const [hello, ...rest] = window.hellos();
    assert.equal(rest.length, 0);
    assert.deepEqual(
      { ...hello, time: 0 },
      { source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'hello', session: tracker.session, frame: tracker.frame, agent: VERSION, url: '', time: 0 },
    );
    assert.ok(Math.abs(hello!.time - Date.now()) < 60_000);
    assert.equal(window.posted[0]!.targetOrigin, '*');
    assert.equal(window.listeners.size, 1);
  });

  it('gives every tracker its own session and frame ids', () => {
    const a = new PostMessageTracker({ target: null });
    const b = new PostMessageTracker({ target: null });
    assert.notEqual(a.session, b.session);
    assert.notEqual(a.frame, b.frame);
    for (const id of [a.session, a.frame]) assert.ok(id.length >= 8 && id.length <= 64, id);
  });

  it('shares one session per window among its trackers (copies of the agent), each a stream of its own', () => {
    const window = new FakeWindow();
    const other = new FakeWindow();
    const a = new PostMessageTracker({ target: window });
    const b = new PostMessageTracker({ target: window });
    const c = new PostMessageTracker({ target: other });
    assert.equal(a.session, b.session);
    assert.notEqual(a.frame, b.frame);
    assert.notEqual(c.session, a.session);
    assert.deepEqual(Object.keys(window), Object.keys(new FakeWindow()), 'nothing enumerable added to the window');
    // A window holding something else under the key, or refusing it, gets a session per tracker.
    for (const odd of [Object.assign(new FakeWindow(), { [Symbol.for('trackables.session')]: 42 }), Object.freeze(new FakeWindow())]) {
      const x = new PostMessageTracker({ target: odd });
      const y = new PostMessageTracker({ target: odd });
      assert.notEqual(x.session, y.session);
      assert.ok(x.session.length >= 8 && x.session.length <= 64);
    }
  });

  it('posts repeats only to a relay that said it reads them, buffered batches written out for one that did not, and every reader decodes the same events', async () => {
    const run = async (reads?: string[]): Promise<FakeWindow> => {
      const window = new FakeWindow();
      const tracker = new PostMessageTracker({ target: window });
      // Buffered before the ready: written before anyone said what it reads.
      attach(tracker, 1, 500);
      window.ready(reads);
      attach(tracker, 501, 3_000);
      await microtasks();
      tracker.notifyUpdated(3_000, Session, { n: 1 });
      tracker.notifyUpdated(3_000, Session, { n: 2 });
      await microtasks();
      // A constructor that sets a bundle: attached, then updated with a new bundle, in turn.
      for (let serial = 3_001; serial <= 3_300; serial++) {
        tracker.notifyAttached(serial, Session, undefined);
        tracker.notifyUpdated(serial, Session, { id: serial, name: 'row' });
      }
      await microtasks();
      return window;
    };
    const old = await run();
    const repeats = await run(['something-newer', READS_REPEATS]);
    const unknown = await run(['something-newer']);
    const ops = (window: FakeWindow): string[] => window.batches().map((batch) => batch.ops);
    assert.ok(ops(old).every((text) => !text.includes('!')), 'a relay that lists nothing gets protocol 2 as before, buffered batches too');
    assert.ok(ops(unknown).every((text) => !text.includes('!')));
    // The buffer holds repeats: a loop of 500 before the ready takes a few dozen characters.
    assert.ok(ops(repeats)[0]!.includes('!') && ops(repeats)[0]!.length < 100, 'the batch buffered before the ready');
    assert.ok(ops(old)[0]!.length >= 4 * 500, "written out: 4 characters an event or more");
    assert.ok(ops(repeats)[1]!.includes('!'));
    // About 11 characters per clock reading (every 64 events) instead of 4 per event.
    const chars = (window: FakeWindow): number => ops(window).reduce((sum, text) => sum + text.length, 0);
    assert.ok(chars(repeats) * 10 < chars(old), `${chars(repeats)} characters against ${chars(old)}`);
    // FakeWindow checks every message with the full validator, then decodes it.
    const events = (window: FakeWindow) => window.events().map(({ op, serial, type, bundle }) => [op, serial, type, bundle]);
    assert.deepEqual(events(repeats), events(old));
    assert.deepEqual(serials(repeats), [...range(1, 3_000), 3_000, 3_000, ...range(3_001, 3_300).flatMap((serial) => [serial, serial])]);
    // The attached and updated pairs went as a repeat of period 2, each update with its own values.
    assert.match(ops(repeats).at(-1)!, /!%/);
    assert.deepEqual(
      repeats.events().slice(-2).map((event) => event.bundle),
      [undefined, '{"id":3300,"name":"row"}'],
    );
  });

  it('sends arrays in bundles as values only to a relay that said it reads them, and never in batches buffered before its ready', async () => {
    const run = async (reads?: string[]): Promise<FakeWindow> => {
      const window = new FakeWindow();
      const tracker = new PostMessageTracker({ target: window });
      tracker.notifyUpdated(1, Session, { tags: ['buffered'], n: 0 });
      window.ready(reads);
      for (let serial = 2; serial <= 6; serial++) tracker.notifyUpdated(serial, Session, { tags: serial % 2 === 0 ? ['a', 'b'] : [serial], n: serial });
      tracker.notifyUpdated(7, Session, { tags: ['\u0000x'], n: 7 });
      await microtasks();
      return window;
    };
    const withArrays = await run([READS_REPEATS, READS_ARRAY_VALUES]);
    const without = await run([READS_REPEATS]);
    const [buffered, posted] = withArrays.batches();
    assert.deepEqual(buffered!.values, ['\u0000["buffered"]', 0]);
    assert.deepEqual(posted!.values, ['a', 'b', 2, 3, 3, 'a', 'b', 4, 5, 5, 'a', 'b', 6, '\u0000["\\u0000x"]', 7]);
    assert.deepEqual(posted!.strings.slice(1), [shapeText(['tags', 'n'], [2, null]), shapeText(['tags', 'n'], [1, null]), shapeText(['tags', 'n'])]);
    assert.ok(without.batches().every((batch) => batch.strings.every((text) => !text.includes('lengths'))));
    // FakeWindow checks every message with the full validator, then decodes it: the same bundles either way.
    const bundles = (window: FakeWindow) => window.events().map((event) => event.bundle);
    assert.deepEqual(bundles(withArrays), bundles(without));
    assert.deepEqual(bundles(withArrays).slice(0, 3), ['{"tags":["buffered"],"n":0}', '{"tags":["a","b"],"n":2}', '{"tags":[3],"n":3}']);
  });

  it('a loop still closes batches at maxBatchEvents, counts every event in the totals, and stops at dispose', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window, maxBatchEvents: 1_000 });
    window.ready([READS_REPEATS]);
    attach(tracker, 1, 2_500);
    // Posted in the middle of the task, as full batches: the loop's copies count toward the size.
    assert.deepEqual(window.batches().map((batch) => batch.events), [1_000, 1_000]);
    await microtasks();
    for (let serial = 2_500; serial > 2_000; serial--) tracker.notifyDestroyed(serial, Session, undefined);
    // A reader asks: the totals follow the open batch and count every event of the loops.
    window.announce();
    const totals = window.messages().filter((message) => message.kind === 'totals');
    // The first came with the ready, before any event.
    assert.deepEqual(
      totals.map(({ events, types }) => [events, types]),
      [[0, []], [3_000, [{ type: 'Session', live: 2_000, created: 2_500, retired: 500 }]]],
    );
    tracker.dispose();
    for (let serial = 2_000; serial > 1_500; serial--) tracker.notifyDestroyed(serial, Session, undefined);
    await microtasks();
    assert.ok(window.batches().every((batch) => batch.ops.includes('!') && batch.events <= 1_000));
    assert.deepEqual(serials(window), [...range(1, 2_500), ...range(2_001, 2_500).reverse()]);
    assert.equal(tracker.getStats().postedEvents, 3_000);
    assert.equal(reported.length, 0);
  });

  it('buffers until the relay is ready, then re-sends hello and posts every batch in order', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window });
    attach(tracker, 1, 3);
    await microtasks();
    attach(tracker, 4, 5, Socket);
    await microtasks();
    attach(tracker, 6, 6);
    assert.equal(window.batches().length, 0);
    // The open batch waits too: until a relay answers, it stays open across tasks.
    assert.equal(tracker.getStats().bufferedEvents, 6);

    window.ready();
    assert.equal(window.hellos().length, 2);
    assert.deepEqual(serials(window), range(1, 6));
    assert.deepEqual(
      window.events().map((event) => event.type),
      ['Session', 'Session', 'Session', 'net.Socket', 'net.Socket', 'Session'],
    );
    assert.deepEqual(
      window.batches().map((batch) => batch.seq),
      range(1, window.batches().length),
    );
    assert.equal(tracker.getStats().connected, true);
    assert.equal(tracker.getStats().bufferedEvents, 0);
    // Connected, it stops listening: reading its own batches back would cost a deserialization each.
    assert.equal(window.listeners.size, 0);

    attach(tracker, 7, 8);
    await microtasks();
    assert.deepEqual(serials(window), range(1, 8));
    const seqs = window.batches().map((batch) => batch.seq);
    assert.deepEqual(seqs, range(1, seqs.length));
  });

  it('ignores messages from other sources and messages that fail validation', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window });
    const ready = { source: RELAY_SOURCE, v: PROTOCOL_VERSION, kind: 'ready' };
    window.dispatch(ready, {}); // another window
    window.dispatch(ready, null);
    window.dispatch({ ...ready, v: PROTOCOL_VERSION + 1 });
    window.dispatch({ ...ready, kind: 'hello' });
    window.dispatch({ ...ready, source: AGENT_SOURCE });
    window.dispatch('trackables-relay');
    window.dispatch(null);
    window.dispatch(
      new Proxy(
        {},
        {
          get() {
            throw new Error('hostile');
          },
        },
      ),
    );
    attach(tracker, 1, 2);
    await microtasks();
    assert.equal(window.batches().length, 0);
    assert.equal(window.hellos().length, 1);
    assert.equal(tracker.getStats().connected, false);
    assert.deepEqual(reported, []);
  });
});

describe('PostMessageTracker batching', () => {
  it('posts nothing per event: the events of one task arrive as one batch after a microtask', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window });
    window.ready();
    const before = window.posted.length;
    attach(tracker, 1, 1000);
    tracker.notifyUpdated(1, Session, { user: 7 });
    tracker.notifyDetached(2, Session, undefined);
    tracker.notifyDestroyed(3, Session, 'last');
    assert.equal(window.posted.length, before);
    await microtasks();
    const batches = window.batches();
    assert.equal(batches.length, 1);
    assert.equal(batches[0]!.seq, 1);
    assert.equal(batches[0]!.dropped, 0);
    const events = window.events();
    assert.equal(events.length, 1003);
    assert.deepEqual(
      events.slice(1000).map(({ op, serial, bundle }) => ({ op, serial, bundle })),
      [
        { op: 'updated', serial: 1, bundle: '{"user":7}' },
        { op: 'detached', serial: 2, bundle: undefined },
        { op: 'destroyed', serial: 3, bundle: '"last"' },
      ],
    );
  });

  it('posts at once, in the middle of a task, when a batch reaches maxBatchEvents', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window, maxBatchEvents: 3 });
    window.ready();
    attach(tracker, 1, 7);
    assert.deepEqual(
      window.batches().map((batch) => batch.ops.length / 4),
      [3, 3],
    );
    await microtasks();
    assert.deepEqual(serials(window), range(1, 7));
  });

  it('posts at once when the batch\'s strings pass 1,000,000 characters, so big bundles make no huge message', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window, bundleLimits: { maxStringLength: 300_000, maxChars: 300_000 } });
    window.ready();
    for (let serial = 1; serial <= 10; serial++) tracker.notifyAttached(serial, Session, String(serial % 10).repeat(250_000));
    // Each bundle text is 250,002 characters (JSON quotes); the type name adds 7.
    assert.deepEqual(window.batches().map((batch) => batch.events), [4, 4]);
    await microtasks();
    assert.deepEqual(window.batches().map((batch) => batch.events), [4, 4, 2]);
    assert.deepEqual(serials(window), range(1, 10));
  });

  it('posts at once when the batch holds 12,288 values or strings, and keeps 50,000-event batches without bundles', async () => {
    const sizes = (window: FakeWindow) => window.batches().map((batch) => batch.events);
    const values = new FakeWindow();
    const tracker = new PostMessageTracker({ target: values });
    values.ready();
    for (let serial = 1; serial <= 10_000; serial++) tracker.notifyAttached(serial, Session, { a: serial, b: 'x', c: true });
    // Three values a bundle: posted when the 4,096th bundle brings them to 12,288.
    assert.deepEqual(sizes(values), [4_096, 4_096]);
    await microtasks();
    assert.deepEqual(sizes(values), [4_096, 4_096, 1_808]);

    const texts = new FakeWindow();
    const textTracker = new PostMessageTracker({ target: texts });
    texts.ready();
    for (let serial = 1; serial <= 15_000; serial++) textTracker.notifyAttached(serial, Session, `text ${serial}`);
    // One string a bundle besides the type name: the 12,287th event brings them to 12,288.
    assert.deepEqual(sizes(texts), [12_287]);
    await microtasks();
    assert.deepEqual(sizes(texts), [12_287, 2_713]);

    const plain = new FakeWindow();
    const plainTracker = new PostMessageTracker({ target: plain });
    plain.ready();
    attach(plainTracker, 1, 120_000);
    await microtasks();
    assert.deepEqual(sizes(plain), [50_000, 50_000, 20_000]);
    assert.deepEqual(serials(plain), range(1, 120_000));
  });

  it('with flush set to a number of milliseconds, posts on a timer', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window, flush: 50 });
    window.ready();
    attach(tracker, 1, 2);
    t.mock.timers.tick(49);
    attach(tracker, 3, 3);
    assert.equal(window.batches().length, 0);
    t.mock.timers.tick(1);
    assert.deepEqual(serials(window), [1, 2, 3]);
    attach(tracker, 4, 4);
    t.mock.timers.tick(50);
    assert.deepEqual(serials(window), [1, 2, 3, 4]);
    assert.equal(window.batches().length, 2);
  });

  it('flush() posts the open batch now', () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window });
    window.ready();
    attach(tracker, 1, 2);
    tracker.flush();
    assert.deepEqual(serials(window), [1, 2]);
  });

  it('stamps events with times between the calls that made them', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window });
    window.ready();
    const before = performance.timeOrigin + performance.now();
    attach(tracker, 1, 200);
    const after = performance.timeOrigin + performance.now();
    await microtasks();
    for (const { time } of window.events()) assert.ok(time >= before - 0.001 && time <= after + 0.001, `${before} ≤ ${time} ≤ ${after}`);
  });
});

describe('PostMessageTracker buffer', () => {
  it('drops the oldest events past bufferEvents and reports the exact count in the next batch', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window, bufferEvents: 10 });
    attach(tracker, 1, 25);
    await microtasks();
    for (let serial = 26; serial <= 40; serial++) {
      attach(tracker, serial, serial);
      await microtasks();
    }
    const buffered = tracker.getStats().bufferedEvents;
    assert.ok(buffered > 0 && buffered <= 10, `buffered ${buffered}`);
    assert.equal(tracker.getStats().droppedEvents, 40 - buffered);

    window.ready();
    const batches = window.batches();
    assert.equal(batches[0]!.dropped, 40 - buffered);
    assert.ok(batches.slice(1).every((batch) => batch.dropped === 0));
    assert.deepEqual(serials(window), range(41 - buffered, 40));

    attach(tracker, 41, 41);
    await microtasks();
    assert.equal(window.batches().at(-1)!.dropped, 0);
  });

  it('keeps exactly bufferEvents of one large batch, the newest', () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window, bufferEvents: 10 });
    attach(tracker, 1, 25);
    tracker.flush();
    window.ready();
    assert.deepEqual(serials(window), range(16, 25));
    assert.equal(window.batches()[0]!.dropped, 15);
  });

  it('bounds buffered bundle text by bufferChars', () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window, bufferChars: 5_000, maxBatchEvents: 1 });
    for (let serial = 1; serial <= 100; serial++) tracker.notifyAttached(serial, Session, `${serial}`.padEnd(900, '.'));
    window.ready();
    const kept = window.events();
    const chars = kept.reduce((sum, event) => sum + (event.bundle?.length ?? 0), 0);
    assert.ok(chars <= 5_000 + 'Session'.length * kept.length, `${chars} characters kept`);
    assert.equal(kept.at(-1)!.serial, 100);
    assert.equal(window.batches()[0]!.dropped, 100 - kept.length);
  });

  it('without a target never posts and never throws, and stays bounded', async () => {
    const tracker = new PostMessageTracker({ target: null, bufferEvents: 1_000 });
    attach(tracker, 1, 5_000);
    await microtasks();
    assert.equal(tracker.getStats().bufferedEvents, 1_000);
    assert.equal(tracker.getStats().droppedEvents, 4_000);
  });

  it('in Node (no window) defaults to no target', async () => {
    const tracker = new PostMessageTracker();
    attach(tracker, 1, 3);
    await microtasks();
    assert.deepEqual(tracker.getStats(), {
      connected: false,
      postedBatches: 0,
      postedEvents: 0,
      bufferedEvents: 3,
      droppedEvents: 0,
      postErrors: 0,
    });
  });
});

describe('PostMessageTracker never throws into the app', () => {
  it('counts a postMessage that throws (DataCloneError) and reports the lost events in the next batch', async () => {
    const window = new FakeWindow();
    window.failWith = new DOMException('could not be cloned', 'DataCloneError');
    const tracker = new PostMessageTracker({ target: window });
    window.ready();
    attach(tracker, 1, 4);
    await microtasks();
    assert.deepEqual(
      { ...tracker.getStats() },
      // The first hello, the hello and totals answering the ready, then the batch.
      { connected: true, postedBatches: 0, postedEvents: 0, bufferedEvents: 0, droppedEvents: 4, postErrors: 4 },
    );
    window.failWith = undefined;
    attach(tracker, 5, 5);
    await microtasks();
    const [batch] = window.batches();
    assert.equal(batch!.seq, 1);
    assert.equal(batch!.dropped, 4);
    assert.deepEqual(serials(window), [5]);
  });

  it('forwards every notification to the forward tracker, whose throws are reported, not raised', async () => {
    const window = new FakeWindow();
    const calls: string[] = [];
    const forward: TrackerProtocol = {
      notifyAttached: (serial) => {
        calls.push(`attached ${serial}`);
        throw new Error('forward broke');
      },
      notifyDetached: (serial) => calls.push(`detached ${serial}`),
      notifyUpdated: (serial, _type, bundle) => calls.push(`updated ${serial} ${String(bundle)}`),
      notifyDestroyed: (serial) => calls.push(`destroyed ${serial}`),
    };
    const tracker = new PostMessageTracker({ target: window, forward });
    window.ready();
    tracker.notifyAttached(1, Session, undefined);
    tracker.notifyUpdated(1, Session, 'b');
    tracker.notifyDetached(1, Session, 'b');
    tracker.notifyDestroyed(2, Session, undefined);
    assert.deepEqual(calls, ['attached 1', 'updated 1 b', 'detached 1', 'destroyed 2']);
    assert.equal(reported.length, 1);
    assert.equal((reported[0] as Error).message, 'forward broke');
    await microtasks();
    assert.deepEqual(
      window.events().map((event) => `${event.op} ${event.serial}`),
      ['attached 1', 'updated 1', 'detached 1', 'destroyed 2'],
    );
  });

  it('survives a type whose trackingName getter throws (reported, other events still posted)', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window });
    window.ready();
    class Hostile {
      static get trackingName(): string {
        throw new Error('no name');
      }
    }
    tracker.notifyAttached(1, Hostile, undefined);
    tracker.notifyAttached(2, Session, undefined);
    await microtasks();
    assert.deepEqual(serials(window), [2]);
    assert.equal(reported.length, 1);
  });

  it('a hostile bundle becomes a placeholder', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window });
    window.ready();
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    tracker.notifyUpdated(1, Session, proxy);
    await microtasks();
    assert.deepEqual(parseBundle(window.events()[0]!.bundle!), {
      '\u0000': 'unreadable',
      text: 'could not be read (a revoked Proxy, or a getter or Proxy trap threw)',
    });
  });
});

describe('PostMessageTracker bundles', () => {
  it('captures a bundle when notified, previewing the same object once per batch', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window });
    window.ready();
    let reads = 0;
    const shared = new Proxy({ n: 1 } as { n: number }, {
      ownKeys(target) {
        reads++;
        return Reflect.ownKeys(target);
      },
    });
    for (let serial = 1; serial <= 50; serial++) tracker.notifyUpdated(serial, Session, shared);
    assert.equal(reads, 1);
    shared.n = 2;
    await microtasks();
    tracker.notifyUpdated(51, Session, shared);
    await microtasks();
    const [first, second] = window.batches();
    // Sent as values: the shape once per batch, the values once per event.
    assert.deepEqual(first!.strings, ['Session', shapeText(['n'])]);
    assert.deepEqual(first!.values, Array(50).fill(1));
    assert.deepEqual(second!.values, [2]);
    assert.deepEqual(
      window.events().map((event) => event.bundle),
      [...Array(50).fill('{"n":1}'), '{"n":2}'],
    );
    assert.equal(reads, 2);
  });

  it('sends plain objects as values and anything else as text, and readers see each bundle as it was', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window });
    window.ready();
    const shared = { n: 1, tags: ['a'] };
    const notified: unknown[] = [
      { id: 1, name: 'first' },
      shared,
      shared,
      'a string',
      shared,
      [1, 2],
      { id: 2, name: 'second', nested: { deep: true } },
      new Map([[1, 2]]),
      { id: 3, name: 'third' },
    ];
    notified.forEach((bundle, i) => tracker.notifyUpdated(i + 1, Session, bundle));
    tracker.notifyReleased(10, Session, shared);
    tracker.notifyUpdated(11, Session, shared);
    await microtasks();
    const expected = [...notified.map((bundle) => toBundleJson(bundle)), RELEASED_BUNDLE, toBundleJson(shared)];
    assert.deepEqual(
      window.events().map((event) => event.bundle),
      expected,
    );
    const [batch] = window.batches();
    assert.ok(batch!.values!.length > 0, 'plain objects went as values');
    assert.ok(batch!.strings.includes('"a string"'), 'a string went as text');
  });

  it('counts the texts among values against bufferChars', () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window, bufferChars: 5_000, maxBatchEvents: 1 });
    for (let serial = 1; serial <= 100; serial++) tracker.notifyAttached(serial, Session, { text: `${serial}`.padEnd(900, '.') });
    window.ready();
    const kept = window.events();
    assert.ok(kept.length < 10, `${kept.length} events kept`);
    assert.equal(kept.at(-1)!.bundle, JSON.stringify({ text: '100'.padEnd(900, '.') }));
    assert.equal(window.batches()[0]!.dropped, 100 - kept.length);
  });

  it('applies bundleLimits', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window, bundleLimits: { maxStringLength: 3 } });
    window.ready();
    tracker.notifyUpdated(1, Session, 'abcdef');
    await microtasks();
    assert.deepEqual(parseBundle(window.events()[0]!.bundle!), { '\u0000': 'string', text: 'abc', length: 6 });
  });
});

describe('PostMessageTracker dispose', () => {
  it('posts what is pending, stops listening, and from then on only forwards', async () => {
    const window = new FakeWindow();
    const forward = new Tracker();
    const tracker = new PostMessageTracker({ target: window, forward });
    window.ready();
    attach(tracker, 1, 2);
    tracker.dispose();
    assert.deepEqual(serials(window), [1, 2]);
    assert.equal(window.listeners.size, 0);
    attach(tracker, 3, 3);
    await microtasks();
    assert.deepEqual(serials(window), [1, 2]);
    assert.equal(forward.get(Session)?.allocated, 3);
    tracker.close();
  });
});

describe('PostMessageTracker with real Trackables', () => {
  it('streams exactly the events that happened, destroyed ones with their last bundle', async () => {
    const window = new FakeWindow();
    const counts = new Tracker();
    const tracker = new PostMessageTracker({ target: window, forward: counts });
    window.ready();
    class Job extends Trackable {}
    class Channel extends Trackable {
      static override trackingName = 'Chan';
    }
    setGlobalTracker(tracker);
    let job: Job | null = new Job();
    const channel = new Channel();
    const other = new Job();
    setGlobalTracker(null);
    job.setDataBundle({ id: 'j1', when: new Date(0) });
    channel.setDataBundle(other);
    other.setTracker(null);
    const jobSerial = job.getTrackerSerial();
    const jobRef = new WeakRef(job);
    job = null;
    await collectUntil(() => window.events().some((event) => event.op === 'destroyed'), { what: 'the destroyed event' });
    assert.equal(jobRef.deref(), undefined);

    const jobBundle = '{"id":"j1","when":{"\\u0000":"date","text":"1970-01-01T00:00:00.000Z"}}';
    assert.deepEqual(
      window.events().map(({ op, serial, type, bundle }) => ({ op, serial, type, bundle })),
      [
        { op: 'attached', serial: jobSerial, type: 'Job', bundle: undefined },
        { op: 'attached', serial: channel.getTrackerSerial(), type: 'Chan', bundle: undefined },
        { op: 'attached', serial: other.getTrackerSerial(), type: 'Job', bundle: undefined },
        { op: 'updated', serial: jobSerial, type: 'Job', bundle: jobBundle },
        { op: 'updated', serial: channel.getTrackerSerial(), type: 'Chan', bundle: `{"\\u0000":"trackable","text":"Job #${other.getTrackerSerial()}"}` },
        { op: 'detached', serial: other.getTrackerSerial(), type: 'Job', bundle: undefined },
        { op: 'destroyed', serial: jobSerial, type: 'Job', bundle: jobBundle },
      ],
    );
    assert.deepEqual(counts.snapshot().types, [
      { name: 'Chan', allocated: 1, deallocated: 0 },
      { name: 'Job', allocated: 0, deallocated: 1 },
    ]);
    const seqs = window.batches().map((batch) => batch.seq);
    assert.deepEqual(seqs, range(1, seqs.length));
  });
});

describe('PostMessageTracker and the DevTools hook', () => {
  const hookOf = (window: FakeWindow) => (window as unknown as Record<string, DevToolsHook>)[DEVTOOLS_HOOK]!;

  it('registers its session with the hook of the window it posts into, until disposed', () => {
    class Panel extends Trackable {}
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window });
    setGlobalTracker(tracker);
    try {
      tracker.setObjectTracking(Panel);
      const panel = new Panel();
      const serial = panel.getTrackerSerial();
      assert.deepEqual(hookOf(window).find(tracker.session, serial, 'Panel'), { status: 'found', instance: panel });
      assert.deepEqual(hookOf(window).find('another session', serial, 'Panel'), { status: 'unknown-session' });
      tracker.dispose();
      assert.deepEqual(hookOf(window).find(tracker.session, serial, 'Panel'), { status: 'unknown-session' });
    } finally {
      setGlobalTracker(null);
      setInstanceLookup(Panel, false);
    }
  });

  it('setObjectTracking turns instance lookup on and off, and passes it on to the forward Tracker', () => {
    class Panel extends Trackable {}
    const counts = new Tracker();
    const tracker = new PostMessageTracker({ target: null, forward: counts });
    setGlobalTracker(tracker);
    try {
      tracker.setObjectTracking(Panel);
      const panel = new Panel();
      panel.setDataBundle('main');
      assert.equal(findInstance(panel.getTrackerSerial()), panel);
      assert.deepEqual([...counts.get(Panel)!.objects!], [[panel.getTrackerSerial(), 'main']]);
      tracker.setObjectTracking(Panel, false);
      assert.equal(findInstance(panel.getTrackerSerial()), undefined);
      assert.equal(counts.get(Panel)!.objects, null);
    } finally {
      setGlobalTracker(null);
      setInstanceLookup(Panel, false);
    }
  });

  it("reports a forward tracker's throwing setObjectTracking, and still turns lookup on", () => {
    class Panel extends Trackable {}
    const error = new Error('forward broke');
    const forward = {
      notifyAttached() {},
      setObjectTracking() {
        throw error;
      },
    };
    const tracker = new PostMessageTracker({ target: null, forward });
    setGlobalTracker(tracker);
    try {
      tracker.setObjectTracking(Panel);
      assert.deepEqual(reported, [error]);
      const panel = new Panel();
      assert.equal(findInstance(panel.getTrackerSerial()), panel);
    } finally {
      setGlobalTracker(null);
      setInstanceLookup(Panel, false);
    }
  });

  it("streams as usual when the page holds its own value under the hook's name", () => {
    const window = new FakeWindow();
    Object.defineProperty(window, DEVTOOLS_HOOK, {
      get() {
        throw new Error('the page getter');
      },
    });
    const tracker = new PostMessageTracker({ target: window });
    attach(tracker, 1, 1);
    window.ready();
    assert.deepEqual(serials(window), [1]);
    assert.deepEqual(reported, []);
  });
});
