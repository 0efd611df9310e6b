import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeSessionArea, ManualTimer } from '../test-support/fake-browser.js';
import { batch, hello } from '../test-support/messages.js';
import { History, type HistoryLimits } from './history.js';
import { Persister } from './persist.js';

const top = (tabId: number) => ({ tabId, frameId: 0 });
const limits: HistoryLimits = { budgetBytes: 1e9, chunkBytes: 2_000, hellosPerTab: 10 };

function setup(area = new FakeSessionArea()) {
  const history = new History(limits);
  const timer = new ManualTimer();
  const persister = new Persister(area, history, timer.set);
  return { area, history, timer, persister };
}

/** A worker started on the same storage. */
async function restart(area: FakeSessionArea) {
  const next = setup(area);
  next.history.restore(await next.persister.load());
  return next;
}

function fill(history: History) {
  history.addHello(top(1), hello('a'));
  history.addHello({ tabId: 1, frameId: 4 }, hello('a', 'child'));
  for (let seq = 1; seq <= 20; seq++) history.addBatch(top(1), batch('a', seq, 5, 'f1', seq === 3 ? 2 : 0));
  history.countInvalid(1);
  history.addHello(top(2), hello('b'));
  history.addBatch(top(2), batch('b', 1));
}

test('writes behind: one timer for many changes, then the changed parts', async () => {
  const { area, history, timer, persister } = setup();
  fill(history);
  persister.schedule();
  persister.schedule();
  assert.equal(timer.pending, 1);
  assert.equal(area.items.size, 0, 'nothing written before the timer');
  timer.fire();
  await persister.flush();
  assert.ok(area.items.has('t:1') && area.items.has('h:1') && area.items.has('c:1:0') && area.items.has('t:2'));
  assert.ok([...area.items.values()].every((value) => typeof value === 'string'), 'stored as JSON text');
});

test('round trip: a restarted worker replays exactly what the old one had', async () => {
  const { area, history, persister } = setup();
  fill(history);
  await persister.flush();
  const next = await restart(area);
  for (const tabId of [1, 2]) assert.deepEqual(next.history.replay(tabId, []), history.replay(tabId, []));
  assert.equal(next.history.size, history.size);
  // It goes on where the old one stopped: new chunks do not overwrite saved ones.
  next.history.addBatch(top(1), batch('a', 21, 5));
  await next.persister.flush();
  const third = await restart(area);
  assert.deepEqual(third.history.replay(1, []), next.history.replay(1, []));
});

test('a restarted worker knows the batches it had: one sent again is not taken twice', async () => {
  const { area, history, persister } = setup();
  fill(history);
  await persister.flush();
  const next = await restart(area);
  assert.equal(next.history.addBatch(top(1), batch('a', 20, 5)), false);
  assert.equal(next.history.addBatch(top(1), batch('a', 21, 5)), true);
});

test('the observer hears of a write as it takes the changes, and of it stored only if it is', async (t) => {
  t.mock.method(console, 'warn', () => {});
  const { area, history, persister } = setup();
  const heard: string[] = [];
  persister.observe({ taking: () => heard.push(`taking ${area.items.size}`), stored: () => heard.push(`stored ${area.items.size}`) });
  history.addBatch(top(1), batch('a', 1));
  area.failWrites = true;
  await persister.flush();
  assert.deepEqual(heard.splice(0), ['taking 0']);
  area.failWrites = false;
  await persister.flush();
  assert.deepEqual(heard.splice(0), ['taking 0', 'stored 2'], 'the failed changes went with the next write');
  await persister.flush();
  assert.deepEqual(heard.splice(0), ['taking 2', 'stored 2'], 'nothing to write is stored at once, after earlier writes');
});

test('writes stay small: adding a batch rewrites only the open chunk (and the chunk list)', async () => {
  const { area, history, persister } = setup();
  fill(history);
  await persister.flush();
  area.writes.length = 0;
  history.addBatch(top(1), batch('a', 21, 5));
  await persister.flush();
  assert.equal(area.writes.length, 1);
  for (const [key, value] of Object.entries(area.writes[0]!)) {
    assert.match(key, /^(c:1:\d+|t:1)$/);
    assert.ok((value as string).length <= limits.chunkBytes, `${key} is ${(value as string).length} chars`);
  }
});

test('evicted chunks and closed tabs leave storage', async () => {
  const { area, history, persister } = setup();
  fill(history);
  await persister.flush();
  const chunkKeys = () => [...area.items.keys()].filter((key) => key.startsWith('c:1:'));
  assert.ok(chunkKeys().length > 1);
  history.remove(1);
  await persister.flush();
  assert.deepEqual(chunkKeys(), []);
  assert.deepEqual([...area.items.keys()].sort(), ['c:2:0', 'h:2', 't:2']);
});

test('a failed write is retried with the next one', async (t) => {
  t.mock.method(console, 'warn', () => {});
  const { area, history, persister } = setup();
  history.addBatch(top(1), batch('a', 1));
  area.failWrites = true;
  await persister.flush();
  assert.equal(area.items.size, 0);
  area.failWrites = false;
  history.addBatch(top(2), batch('b', 1));
  await persister.flush();
  const next = await restart(area);
  assert.equal(next.history.replay(1, []).entries.length, 1);
  assert.equal(next.history.replay(2, []).entries.length, 1);
});

test('load drops items no saved tab refers to', async () => {
  const area = new FakeSessionArea();
  const { history, persister } = setup(area);
  history.addBatch(top(1), batch('a', 1));
  await persister.flush();
  await area.set({ 'c:1:99': '[]', 'c:5:0': '[]', 'h:5': '[]', 't:6': 'not json', junk: 1 });
  const next = await restart(area);
  assert.deepEqual([...area.items.keys()].sort(), ['c:1:0', 't:1']);
  assert.equal(next.history.replay(1, []).entries.length, 1);
});
