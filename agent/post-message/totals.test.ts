import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionState } from '../playwright/counts.js';
import type { AgentTotals } from '../protocol/messages.js';
import { FakeWindow } from '../test-support/fake-window.js';
import { Tracker } from '../tracker.js';
import { PostMessageTracker } from './post-message-tracker.js';

class Widget {}
class Panel {}

const microtasks = () => new Promise<void>((resolve) => queueMicrotask(resolve));

const announce = (window: FakeWindow): number => window.announce();

function totalsOf(window: FakeWindow): AgentTotals[] {
  return window.messages().filter((message): message is AgentTotals => message.kind === 'totals');
}


/** Drives `count` attaches of Widget, retiring every third and detaching every fifth, plus a Panel. */
function lifecycle(tracker: PostMessageTracker, from: number, count: number): void {
  for (let serial = from; serial < from + count; serial++) {
    tracker.notifyAttached(serial, Widget, { serial });
    if (serial % 3 === 0) tracker.notifyDestroyed(serial, Widget, undefined);
    else if (serial % 5 === 0) tracker.notifyDetached(serial, Widget, undefined);
    else if (serial % 7 === 0) tracker.notifyUpdated(serial, Widget, { serial, updated: true });
  }
  tracker.notifyAttached(from + count, Panel, undefined);
}

/** The counts a reader that heard `messages` computes. */
function readerCounts(window: FakeWindow, fromMessage = 0) {
  const [first] = window.messages();
  const state = new SessionState(first!.session, first!.frame);
  for (const message of window.messages().slice(fromMessage)) state.apply(message);
  const counts = state.counts();
  return { counts: Object.fromEntries(Object.entries(counts).map(([type, { live, created, retired }]) => [type, { live, created, retired }])), state };
}

describe('Running totals', () => {
  it('after an agent buffer overflow, the first reader gets exact counts from the totals that follow the buffered batches', async () => {
    const window = new FakeWindow();
    const counts = new Tracker();
    const tracker = new PostMessageTracker({ target: window, forward: counts, bufferEvents: 100 });
    lifecycle(tracker, 1, 1_000);
    await microtasks();
    assert.ok(tracker.getStats().droppedEvents > 0, 'the buffer overflowed');
    window.ready();

    const [totals, ...more] = totalsOf(window);
    assert.equal(more.length, 0);
    assert.equal(totals!.seq, window.batches().at(-1)!.seq, 'right after the last buffered batch');
    assert.equal(totals!.dropped, tracker.getStats().droppedEvents);
    const events = window.batches().reduce((sum, batch) => sum + batch.events, 0);
    assert.equal(totals!.events, events + totals!.dropped);

    const widget = counts.get(Widget)!;
    const { counts: read, state } = readerCounts(window);
    assert.deepEqual(read.Widget, { live: widget.allocated, created: 1_000, retired: widget.deallocated });
    assert.deepEqual(read.Panel, { live: 1, created: 1, retired: 0 });
    assert.equal(state.exact, true);
    assert.equal(state.missedEvents, totals!.dropped);
  });

  it('a reader that starts late asks with the announce event and counts exactly from then on', async () => {
    const window = new FakeWindow();
    const counts = new Tracker();
    const tracker = new PostMessageTracker({ target: window, forward: counts });
    window.ready();
    lifecycle(tracker, 1, 300);
    await microtasks();
    const heardSoFar = window.messages().length;
    // Events still in the open batch must reach the late reader before the totals that count them.
    lifecycle(tracker, 400, 50);

    assert.equal(announce(window), 1);
    const late = window.messages().slice(heardSoFar);
    assert.deepEqual(
      late.map((message) => message.kind),
      ['hello', 'batch', 'totals'],
    );
    lifecycle(tracker, 500, 20);
    await microtasks();

    const { counts: read, state } = readerCounts(window, heardSoFar);
    const widget = counts.get(Widget)!;
    assert.deepEqual(read.Widget, { live: widget.allocated, created: 370, retired: widget.deallocated });
    assert.deepEqual(read.Panel, { live: 3, created: 3, retired: 0 });
    assert.equal(state.exact, true);
    assert.ok(state.missedEvents > 0, 'the batches before it are missed detail');
  });

  it('stale totals (older than a batch already counted) change nothing', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window });
    window.ready();
    lifecycle(tracker, 1, 10);
    await microtasks();
    const [old] = totalsOf(window);
    const state = new SessionState(old!.session, old!.frame);
    for (const message of window.messages()) state.apply(message);
    const before = state.counts();
    state.apply({ ...old!, seq: 0, types: [{ type: 'Widget', live: 99, created: 99, retired: 0 }] });
    assert.deepEqual(state.counts(), before);
  });

  it('before any relay answered, an ask posts nothing: the ready brings hello, batches and totals in order', async () => {
    const window = new FakeWindow();
    const tracker = new PostMessageTracker({ target: window });
    lifecycle(tracker, 1, 5);
    await microtasks();
    const posted = window.posted.length;
    announce(window);
    assert.equal(window.posted.length, posted);
    tracker.dispose();
    assert.equal(announce(window), 0, 'dispose stops listening for it');
  });

  it('several trackers in one window each announce their own stream', () => {
    const window = new FakeWindow();
    const a = new PostMessageTracker({ target: window });
    const b = new PostMessageTracker({ target: window });
    window.ready();
    a.notifyAttached(1, Widget, undefined);
    b.notifyAttached(2, Panel, undefined);
    const before = totalsOf(window).length;
    assert.equal(announce(window), 2);
    const fresh = totalsOf(window).slice(before);
    assert.deepEqual(fresh.map((totals) => [totals.frame, totals.types.map(({ type, live }) => [type, live])]), [
      [a.frame, [['Widget', 1]]],
      [b.frame, [['Panel', 1]]],
    ]);
    a.dispose();
    b.dispose();
  });

});
