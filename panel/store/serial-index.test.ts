import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SerialIndex } from './serial-index.js';

test('serials added in increasing order are found, with or without gaps; others are not', () => {
  const index = new SerialIndex(100);
  const serials = [1, 2, 3, 7, 8, 20, 21, 1_000];
  serials.forEach((serial, id) => index.add(serial, id));
  assert.deepEqual(serials.map((serial) => index.find(serial)), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual([0, 4, 9, 22, 999, 1_001].map((serial) => index.find(serial)), [-1, -1, -1, -1, -1, -1]);
  assert.equal(index.size, serials.length);
  assert.equal(index.isNew(1_000), false);
  assert.equal(index.isNew(1_001), true);
});

test('a serial out of order is found too, and lookups see the newest row of a serial', () => {
  const index = new SerialIndex(100);
  index.add(10, 0);
  index.add(11, 1);
  index.add(5, 2);
  assert.deepEqual([index.find(10), index.find(11), index.find(5)], [0, 1, 2]);
  // Attached again after it was destroyed: a new row under the same serial.
  index.add(10, 3);
  assert.equal(index.find(10), 3);
  assert.equal(index.size, 4);
  // The old row of 10 goes (oldest first): the new one stays.
  index.remove(10, 0);
  assert.equal(index.find(10), 3);
  index.remove(11, 1);
  index.remove(5, 2);
  assert.deepEqual([index.find(11), index.find(5), index.find(10)], [-1, -1, 3]);
  index.remove(10, 3);
  assert.equal(index.find(10), -1);
  assert.equal(index.size, 0);
  // Serials at or below the highest ever added stay out of order, even once all are gone.
  assert.equal(index.isNew(11), false);
  index.add(11, 4);
  assert.equal(index.find(11), 4);
});

test('evicting the oldest while adding keeps every kept serial findable, through growth and compaction', () => {
  const kept = 300;
  const index = new SerialIndex(kept);
  const serialOf = (id: number) => id * 2 + 1;
  for (let id = 0; id < 10_000; id++) {
    index.add(serialOf(id), id);
    if (id >= kept) index.remove(serialOf(id - kept), id - kept);
  }
  assert.equal(index.size, kept);
  for (let id = 10_000 - kept; id < 10_000; id++) assert.equal(index.find(serialOf(id)), id);
  for (const id of [0, 1, 5_000, 10_000 - kept - 1]) assert.equal(index.find(serialOf(id)), -1);
});
