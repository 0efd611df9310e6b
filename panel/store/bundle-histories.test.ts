import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BundleHistories } from './bundle-histories.js';

test('a history keeps its latest entries, oldest first', () => {
  const histories = new BundleHistories(4, 3);
  const slot = histories.open(7);
  assert.equal(histories.owner(slot), 7);
  assert.deepEqual(histories.entries(slot), []);
  histories.push(slot, 1, 'attached', 'a');
  histories.push(slot, 2, 'updated', undefined);
  assert.deepEqual(histories.entries(slot), [
    { time: 1, op: 'attached', bundle: 'a' },
    { time: 2, op: 'updated', bundle: undefined },
  ]);
  for (let time = 3; time <= 7; time++) histories.push(slot, time, 'updated', `v${time}`);
  assert.deepEqual(histories.entries(slot).map((entry) => [entry.time, entry.bundle]), [[5, 'v5'], [6, 'v6'], [7, 'v7']]);
});

test('beyond the bound, slots are taken in turn; a released one is used first', () => {
  const histories = new BundleHistories(20, 2);
  const slots = Array.from({ length: 20 }, (_, owner) => histories.open(owner));
  slots.forEach((slot, owner) => histories.push(slot, owner, 'updated', `${owner}`));
  // Full: the 21st takes the first slot from its owner, emptied.
  const taken = histories.open(100);
  assert.equal(taken, slots[0]);
  assert.equal(histories.owner(taken), 100);
  assert.deepEqual(histories.entries(taken), []);
  assert.equal(histories.open(101), slots[1]);
  histories.release(slots[10]!);
  assert.equal(histories.owner(slots[10]!), -1);
  assert.equal(histories.open(102), slots[10]);
  assert.equal(histories.open(103), slots[2], 'then in turn again');
  assert.deepEqual(histories.entries(slots[5]!), [{ time: 5, op: 'updated', bundle: '5' }], 'the others are untouched');
});
