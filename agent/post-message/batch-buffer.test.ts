import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBatch } from '../protocol/decode.js';
import { BatchEncoder } from '../protocol/encode.js';
import { Op, type AgentBatch } from '../protocol/messages.js';
import { BatchBuffer } from './batch-buffer.js';

function batch(serials: number[], bundle?: string): AgentBatch {
  const encoder = new BatchEncoder(() => 1000);
  for (const serial of serials) encoder.add(Op.attached, serial, 'T', bundle);
  return encoder.take('s', 'f', 1, 0)!;
}

describe('BatchBuffer', () => {
  it('keeps batches in order with running totals of events and characters', () => {
    const buffer = new BatchBuffer();
    buffer.push(batch([1, 2]));
    buffer.push(batch([3], 'abc'));
    assert.equal(buffer.events, 3);
    assert.equal(buffer.chars, 'T'.length + 'T'.length + 'abc'.length);
    const drained = buffer.drain();
    assert.deepEqual(drained.flatMap(decodeBatch).map((event) => event.serial), [1, 2, 3]);
    assert.equal(buffer.events, 0);
    assert.equal(buffer.chars, 0);
    assert.deepEqual(buffer.drain(), []);
  });

  it('drops the oldest batch, returning its events, and stays usable when empty', () => {
    const buffer = new BatchBuffer();
    buffer.push(batch([1, 2, 3], 'xx'));
    buffer.push(batch([4]));
    assert.equal(buffer.dropOldest(), 3);
    assert.equal(buffer.events, 1);
    assert.equal(buffer.chars, 1);
    assert.equal(buffer.dropOldest(), 1);
    assert.equal(buffer.dropOldest(), 0);
    buffer.push(batch([5]));
    assert.deepEqual(buffer.drain().flatMap(decodeBatch).map((event) => event.serial), [5]);
  });

  it('keeps its queue compact over a long run of pushes and drops', () => {
    const buffer = new BatchBuffer();
    for (let serial = 1; serial <= 10_000; serial++) {
      buffer.push(batch([serial]));
      if (buffer.events > 100) buffer.dropOldest();
    }
    const kept = buffer.drain().flatMap(decodeBatch).map((event) => event.serial);
    assert.deepEqual(kept, Array.from({ length: 100 }, (_, i) => 9_901 + i));
  });
});
