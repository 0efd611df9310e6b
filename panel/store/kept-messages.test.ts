import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeOps } from '../../agent/protocol/encode.js';
import { AGENT_SOURCE, PROTOCOL_VERSION, type AgentBatch } from '../../agent/protocol/messages.js';
import { collected } from '../../agent/test-support/collect.js';
import { KeptMessages, MAX_KEPT_EVENTS_PER_STREAM } from './kept-messages.js';

function batch(seq: number, events: number): AgentBatch {
  return {
    source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'batch', session: 's', frame: 'f', seq, t0: 0, dropped: 0,
    strings: ['T'], ...encodeOps(Array.from({ length: events }, (_, i) => [0, seq * 1e6 + i + 1, 0, -1]).flat()),
  };
}

test('keeps the newest messages within the event bound and counts what it evicted', () => {
  const kept = new KeptMessages();
  const perBatch = MAX_KEPT_EVENTS_PER_STREAM / 4;
  for (let seq = 1; seq <= 10; seq++) kept.push(batch(seq, perBatch));
  assert.deepEqual(kept.list().map((message) => (message as AgentBatch).seq), [7, 8, 9, 10]);
  assert.equal(kept.evictedMessages, 6);
  assert.equal(kept.evictedEvents, 6 * perBatch);
});

test('an evicted batch is no longer referenced, long before the array is compacted', async () => {
  const kept = new KeptMessages();
  let first: AgentBatch | null = batch(1, MAX_KEPT_EVENTS_PER_STREAM);
  const ref = new WeakRef(first);
  kept.push(first);
  first = null;
  kept.push(batch(2, MAX_KEPT_EVENTS_PER_STREAM));
  await collected(ref, 'the evicted batch');
  assert.equal(kept.list().length, 1);
});
