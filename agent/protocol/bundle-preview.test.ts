import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PLACEHOLDER_KEY, escapeKey, isPlaceholder, parseBundle, unescapeKey } from './bundle-preview.js';

test('escapeKey keeps page keys from posing as placeholder markers, and unescapeKey undoes it', () => {
  for (const key of ['plain', '', PLACEHOLDER_KEY, `${PLACEHOLDER_KEY}x`, `${PLACEHOLDER_KEY}${PLACEHOLDER_KEY}`, `a${PLACEHOLDER_KEY}`]) {
    const escaped = escapeKey(key);
    assert.equal(unescapeKey(escaped), key);
    if (key.startsWith(PLACEHOLDER_KEY)) assert.notEqual(escaped, key);
    else assert.equal(escaped, key);
  }
  // An escaped key is never the bare marker itself.
  assert.notEqual(escapeKey(PLACEHOLDER_KEY), PLACEHOLDER_KEY);
});

test('isPlaceholder recognizes only objects holding the marker key', () => {
  assert.equal(isPlaceholder({ [PLACEHOLDER_KEY]: 'bigint', text: '10n' }), true);
  for (const value of [null, 'x', 1, [PLACEHOLDER_KEY], { text: 'x' }, { [escapeKey(PLACEHOLDER_KEY)]: 'cycle', text: '' }]) {
    assert.equal(isPlaceholder(value), false, JSON.stringify(value));
  }
});

test('parseBundle parses JSON text and turns broken text into an unreadable placeholder', () => {
  assert.deepEqual(parseBundle('{"a":[1,"b",null]}'), { a: [1, 'b', null] });
  assert.equal(parseBundle('"text"'), 'text');
  for (const broken of ['', '{', 'undefined', "{'a':1}"]) {
    const parsed = parseBundle(broken);
    assert.ok(isPlaceholder(parsed));
    assert.equal(parsed[PLACEHOLDER_KEY], 'unreadable');
  }
});
