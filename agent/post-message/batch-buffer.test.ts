import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBatch } from '../protocol/decode.js';
import { BatchEncoder } from '../protocol/encode.js';
import { Op, type AgentBatch } from '../protocol/messages.js';
import { BatchBuffer } from './batch-buffer.js';

/** A batch of attached events for `serials`, at time `t0` (the clock stands still within it). */
function batch(t0: number, serials: number[], type = 'T', bundle?: string): AgentBatch {
  const encoder = new BatchEncoder(() => t0);
  for (const serial of serials) encoder.add(Op.attached, serial, type, bundle);
  return encoder.take('s', 'f', 1, 0)!;
}

const events = (batches: AgentBatch[]) => batches.flatMap(decodeBatch);

describe('BatchBuffer', () => {
  it('merges small batches into one, keeping every event, its type, bundle and time', () => {
    const buffer = new BatchBuffer({ maxEvents: 100, maxChars: 1_000, mergeUpTo: 10 });
    const input = [batch(1000, [1, 2], 'A'), batch(1000.5, [3], 'B', '{"x":1}'), batch(2000.25, [4], 'A', '{"x":1}')];
    const expected = events(input);
    for (const item of input) assert.equal(buffer.push(item), 0);
    const drained = buffer.drain();
    assert.equal(drained.length, 1);
    assert.deepEqual(drained[0]!.strings, ['A', 'B', '{"x":1}']);
    assert.deepEqual(events(drained), expected);
    assert.equal(buffer.events, 0);
  });

  it('starts a new chunk past mergeUpTo and drops whole oldest chunks past maxEvents', () => {
    const buffer = new BatchBuffer({ maxEvents: 6, maxChars: 1_000, mergeUpTo: 3 });
    assert.equal(buffer.push(batch(1, [1, 2, 3])), 0);
    assert.equal(buffer.push(batch(2, [4, 5, 6])), 0);
    assert.equal(buffer.push(batch(3, [7])), 3);
    assert.equal(buffer.events, 4);
    assert.deepEqual(
      events(buffer.drain()).map((event) => event.serial),
      [4, 5, 6, 7],
    );
  });

  it('trims a single chunk above maxEvents to its newest events', () => {
    const buffer = new BatchBuffer({ maxEvents: 2, maxChars: 1_000, mergeUpTo: 1 });
    assert.equal(buffer.push(batch(1, [1, 2, 3, 4, 5])), 3);
    assert.deepEqual(
      events(buffer.drain()).map((event) => event.serial),
      [4, 5],
    );
  });

  it('drops chunks past maxChars, counting their events', () => {
    const buffer = new BatchBuffer({ maxEvents: 100, maxChars: 20, mergeUpTo: 1 });
    assert.equal(buffer.push(batch(1, [1], 'T', 'a'.repeat(10))), 0);
    assert.equal(buffer.push(batch(2, [2], 'T', 'b'.repeat(10))), 1);
    assert.equal(buffer.push(batch(3, [3], 'T', 'c'.repeat(30))), 2);
    assert.equal(buffer.events, 0);
  });

  it('keeps memory bounded over a long run of one-event batches', () => {
    const buffer = new BatchBuffer({ maxEvents: 1_000, maxChars: 1e6, mergeUpTo: 250 });
    let dropped = 0;
    for (let serial = 1; serial <= 100_000; serial++) dropped += buffer.push(batch(serial, [serial]));
    const kept = events(buffer.drain()).map((event) => event.serial);
    assert.equal(dropped + kept.length, 100_000);
    assert.ok(kept.length > 750 && kept.length <= 1_000);
    assert.deepEqual(kept, Array.from({ length: kept.length }, (_, i) => 100_001 - kept.length + i));
  });
});
