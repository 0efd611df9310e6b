import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batch, hello, totals } from '../test-support/messages.js';
import { noDrops, PROTOCOL_VERSION } from '../../agent/protocol/messages.js';
import { History, utf8Length } from './history.js';

const top = (tabId: number) => ({ tabId, frameId: 0 });

/** Bytes one test batch entry takes (all test batches of one size have the same JSON length). */
function entryBytes(events: number): number {
  return new TextEncoder().encode(JSON.stringify({ origin: top(1), message: batch('s', 1, events) })).length;
}

test('replay gives hellos, then batches, per tab', () => {
  const history = new History();
  history.addHello(top(1), hello('a'));
  history.addBatch(top(1), batch('a', 1));
  history.addHello(top(2), hello('b'));
  history.addBatch(top(2), batch('b', 1));
  const one = history.replay(1, []);
  assert.deepEqual(one.entries.map((entry) => entry.message), [hello('a'), batch('a', 1)]);
  assert.deepEqual(one.entries.map((entry) => entry.origin.tabId), [1, 1]);
  assert.deepEqual(history.replay(3, []), { kind: 'history', tabId: 3, entries: [], drops: noDrops() });
});

test('replay leaves out batches the panel has, per session and frame; hellos always come', () => {
  const history = new History();
  history.addHello(top(1), hello('a'));
  history.addHello({ tabId: 1, frameId: 7 }, hello('a', 'child'));
  for (const seq of [1, 2, 3]) history.addBatch(top(1), batch('a', seq));
  for (const seq of [1, 2]) history.addBatch({ tabId: 1, frameId: 7 }, batch('a', seq, 1, 'child'));
  const { entries } = history.replay(1, [
    { session: 'a', frame: 'f1', seq: 2 },
    { session: 'other', frame: 'child', seq: 9 },
  ]);
  assert.deepEqual(
    entries.map(({ message }) => (message.kind === 'hello' ? `hello ${message.frame}` : message.kind === 'batch' ? `${message.frame} ${message.seq}` : message.kind)),
    ['hello f1', 'hello child', 'f1 3', 'child 1', 'child 2'],
  );
});

test('a new top-frame session is a navigation; a repeated hello is kept once', () => {
  const history = new History();
  assert.equal(history.addHello(top(1), hello('a')), 'navigated');
  assert.equal(history.addHello(top(1), hello('a')), 'repeated');
  assert.equal(history.addHello({ tabId: 1, frameId: 3 }, hello('a', 'child')), 'kept');
  assert.equal(history.addHello(top(1), hello('b')), 'navigated');
  assert.equal(history.addHello(top(2), hello('b')), 'navigated', 'per tab');
  assert.equal(history.replay(1, []).entries.length, 3);
});

test('counts agent drops, relay drops and invalid messages per tab', () => {
  const history = new History();
  history.addBatch(top(1), batch('a', 1, 1, 'f1', 7));
  history.addRelayDrops(1, { source: 'trackables-relay', v: PROTOCOL_VERSION, kind: 'relay-dropped', messages: 3, events: 30, invalid: 2 });
  history.addRelayDrops(1, { source: 'trackables-relay', v: PROTOCOL_VERSION, kind: 'relay-dropped', messages: 1, events: 0 });
  history.countInvalid(1);
  history.countInvalid(2);
  assert.deepEqual(history.replay(1, []).drops, { agentEvents: 7, relayMessages: 4, historyMessages: 0, invalidMessages: 3 });
  assert.deepEqual(history.replay(2, []).drops, { agentEvents: 0, relayMessages: 0, historyMessages: 0, invalidMessages: 1 });
  assert.equal(history.replay(1, []).entries.length, 1, 'drop notices are counters, not entries');
});

test('over the budget, evicts the oldest chunk of the fullest tab and counts it', () => {
  const size = entryBytes(10);
  // Chunks of two batches; room for six batches in all.
  const history = new History({ budgetBytes: size * 6, chunkBytes: size * 2, hellosPerTab: 10 });
  for (let seq = 1; seq <= 4; seq++) history.addBatch(top(1), batch('a', seq, 10));
  history.addBatch(top(2), batch('b', 1, 10));
  history.addBatch(top(2), batch('b', 2, 10));
  assert.equal(history.size, size * 6);
  history.addBatch(top(2), batch('b', 3, 10));
  const one = history.replay(1, []);
  assert.deepEqual(one.entries.map(({ message }) => (message.kind === 'batch' ? message.seq : 0)), [3, 4]);
  assert.equal(one.drops.historyMessages, 2);
  assert.equal(history.replay(2, []).entries.length, 3, 'the smaller tab keeps all');
  assert.ok(history.size <= size * 6);
});

test('a batch bigger than a chunk gets a chunk of its own; bigger than the budget, it is evicted', () => {
  const history = new History({ budgetBytes: entryBytes(50) * 2, chunkBytes: entryBytes(1), hellosPerTab: 10 });
  history.addBatch(top(1), batch('a', 1, 50));
  history.addBatch(top(1), batch('a', 2, 50));
  assert.equal(history.replay(1, []).entries.length, 2);
  history.addBatch(top(1), batch('a', 3, 500));
  assert.deepEqual(history.replay(1, []).entries, []);
  assert.equal(history.replay(1, []).drops.historyMessages, 3);
  assert.equal(history.size, 0);
});

test('keeps at most hellosPerTab hellos, oldest out first, counted', () => {
  const history = new History({ budgetBytes: 1e9, chunkBytes: 1e6, hellosPerTab: 2 });
  for (const session of ['a', 'b', 'c']) history.addHello(top(1), hello(session));
  const { entries, drops } = history.replay(1, []);
  assert.deepEqual(entries.map(({ message }) => (message.kind === 'hello' ? message.session : '')), ['b', 'c']);
  assert.equal(drops.historyMessages, 1);
});

test('removing a tab frees its bytes and reports its parts as gone', () => {
  const history = new History({ budgetBytes: 1e9, chunkBytes: entryBytes(1), hellosPerTab: 10 });
  history.addHello(top(1), hello('a'));
  history.addBatch(top(1), batch('a', 1));
  history.addBatch(top(1), batch('a', 2));
  history.takeChanges();
  history.remove(1);
  assert.equal(history.size, 0);
  const changes = history.takeChanges();
  assert.deepEqual(changes.map(({ part }) => part).sort(), [0, 1, 'hellos', 'meta']);
  assert.ok(changes.every(({ json }) => json === undefined));
  assert.deepEqual(history.replay(1, []).entries, []);
});

test('takeChanges reports each changed part once, with its JSON text now', () => {
  const history = new History({ budgetBytes: 1e9, chunkBytes: entryBytes(1) * 2, hellosPerTab: 10 });
  history.addBatch(top(1), batch('a', 1));
  history.addBatch(top(1), batch('a', 2));
  const first = history.takeChanges();
  assert.deepEqual(first.map(({ part }) => part), ['meta', 0]);
  assert.equal((JSON.parse(first[1]!.json!) as unknown[]).length, 2);
  assert.deepEqual(history.takeChanges(), []);
  history.addBatch(top(1), batch('a', 3));
  assert.deepEqual(history.takeChanges().map(({ part }) => part), ['meta', 1], 'only the new chunk and the chunk list');
});

test('a batch that comes again (a content script resends what was not acknowledged) is taken once', () => {
  const history = new History();
  assert.equal(history.addBatch(top(1), batch('a', 1)), true);
  assert.equal(history.addBatch(top(1), batch('a', 2)), true);
  history.takeChanges();
  assert.equal(history.addBatch(top(1), batch('a', 1)), false);
  assert.equal(history.addBatch(top(1), batch('a', 2)), false);
  assert.deepEqual(history.takeChanges(), [], 'nothing to store');
  assert.equal(history.addBatch(top(1), batch('a', 2, 1, 'child')), true, 'per frame');
  assert.equal(history.addBatch(top(1), batch('b', 2)), true, 'per session');
  assert.equal(history.addBatch(top(2), batch('a', 2)), true, 'per tab');
  assert.equal(history.addBatch(top(1), batch('a', 3)), true);
  assert.deepEqual(history.replay(1, []).entries.map(({ message }) => (message.kind === 'batch' ? `${message.session}${message.frame}#${message.seq}` : '')), [
    'af1#1',
    'af1#2',
    'achild#2',
    'bf1#2',
    'af1#3',
  ]);
});

test('batches evicted from the history still count as had', () => {
  const history = new History({ budgetBytes: entryBytes(1) * 2, chunkBytes: entryBytes(1), hellosPerTab: 10 });
  for (const seq of [1, 2, 3]) history.addBatch(top(1), batch('a', seq));
  assert.equal(history.addBatch(top(1), batch('a', 1)), false);
  assert.equal(history.replay(1, []).drops.historyMessages, 1);
});

test('each entry is serialized once: a part\'s text is the JSON of its entries, and sizes are their UTF-8 bytes', () => {
  const history = new History({ budgetBytes: 1e9, chunkBytes: 1e6, hellosPerTab: 10 });
  history.addHello(top(1), { ...hello('a'), url: 'https://例え.jp/ü?q=😀' });
  history.addBatch(top(1), { ...batch('a', 1), strings: ['Wïdget', '{"name":"naïve 😀"}'] });
  history.addBatch(top(1), batch('a', 2));
  const changes = history.takeChanges();
  assert.deepEqual(changes.map(({ part }) => part).sort(), [0, 'hellos', 'meta']);
  const { entries } = history.replay(1, []);
  const text = (part: unknown) => changes.find((change) => change.part === part)!.json;
  assert.equal(text('hellos'), JSON.stringify(entries.filter(({ message }) => message.kind === 'hello')));
  assert.equal(text(0), JSON.stringify(entries.filter(({ message }) => message.kind === 'batch')));
  const bytes = entries.reduce((sum, entry) => sum + new TextEncoder().encode(JSON.stringify(entry)).length, 0);
  assert.equal(history.size, bytes);
});

test('utf8Length counts what TextEncoder would write', () => {
  for (const text of ['', 'ascii', 'ü', '€', '😀', 'a😀b€ü', '\ud800', '\udc00x', 'x\ud800\ud800\udc00']) {
    assert.equal(utf8Length(text), new TextEncoder().encode(text).length, JSON.stringify(text));
  }
});

test('totals are kept where they came between the batches, and replayed unless older than what the panel has', () => {
  const history = new History();
  history.addHello(top(1), hello('a'));
  history.addBatch(top(1), batch('a', 1));
  history.addTotals(top(1), totals('a', 1, { Widget: [1, 1, 0] }));
  history.addBatch(top(1), batch('a', 2));
  history.addTotals(top(1), totals('a', 2, { Widget: [2, 2, 0] }));
  const kinds = (have: number) =>
    history.replay(1, [{ session: 'a', frame: 'f1', seq: have }]).entries.map(({ message }) => (message.kind === 'hello' ? 'hello' : `${message.kind}@${message.seq}`));
  assert.deepEqual(kinds(0), ['hello', 'batch@1', 'totals@1', 'batch@2', 'totals@2']);
  assert.deepEqual(kinds(1), ['hello', 'totals@1', 'batch@2', 'totals@2']);
  assert.deepEqual(kinds(2), ['hello', 'totals@2']);
  // A restarted worker restores them, and they never count as the stream's latest batch.
  const restored = new History();
  const saved = history.takeChanges();
  restored.restore([
    {
      tabId: 1,
      meta: JSON.parse(saved.find((change) => change.part === 'meta')!.json!) as never,
      hellos: JSON.parse(saved.find((change) => change.part === 'hellos')!.json!) as never,
      chunks: new Map(saved.filter((change) => typeof change.part === 'number').map((change) => [change.part as number, JSON.parse(change.json!) as never])),
    },
  ]);
  assert.equal(restored.addBatch(top(1), batch('a', 3)), true);
  assert.equal(restored.addBatch(top(1), batch('a', 2)), false);
});
