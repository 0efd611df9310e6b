import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rovingIndex } from './roving-index.js';

test('arrow keys of the orientation step and wrap; Home and End jump; other keys move nothing', () => {
  assert.deepEqual(['ArrowRight', 'ArrowLeft', 'Home', 'End', 'ArrowDown', 'Enter'].map((key) => rovingIndex(key, 3, 4, 'horizontal')), [0, 2, 0, 3, null, null]);
  assert.deepEqual(['ArrowDown', 'ArrowUp', 'ArrowRight'].map((key) => rovingIndex(key, 0, 4, 'vertical')), [1, 3, null]);
  // No item focused yet (-1): down reaches the first.
  assert.equal(rovingIndex('ArrowDown', -1, 4, 'vertical'), 0);
});
