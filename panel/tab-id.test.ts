import assert from 'node:assert/strict';
import { test } from 'node:test';
import { panelTabId } from './tab-id.js';

test('the query names the tab first, DevTools second', () => {
  assert.equal(panelTabId('?tabId=1234567', 9), 1_234_567);
  assert.equal(panelTabId('', 9), 9);
  assert.equal(panelTabId('?tabId=abc', 9), 9);
  assert.equal(panelTabId('?tabId=', undefined), null);
});
