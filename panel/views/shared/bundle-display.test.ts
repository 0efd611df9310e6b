import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PLACEHOLDER_KEY, type Preview } from '../../../agent/protocol/bundle-preview.js';
import { bundleChange, describeChange, PlaceholderValue, previewLine, toDisplay } from './bundle-display.js';

const ph = (kind: string, text: string, extra: Record<string, Preview> = {}): Preview => ({ [PLACEHOLDER_KEY]: kind, text, ...extra }) as Preview;

test('placeholders become values named by their kind; maps, sets, numbers and undefined become real ones', () => {
  const shown = toDisplay({ f: ph('function', 'onClick'), m: ph('map', 'Map(1)', { value: [['k', 1]] }), s: ph('set', 'Set(1)', { value: [2] }), n: ph('number', 'NaN'), u: ph('undefined', '') }) as Record<string, unknown>;
  assert.ok(shown['f'] instanceof PlaceholderValue);
  assert.equal((shown['f'] as object).constructor.name, 'function');
  assert.equal((shown['f'] as PlaceholderValue).text, 'onClick');
  assert.deepEqual([...(shown['m'] as Map<unknown, unknown>)], [['k', 1]]);
  assert.deepEqual([...(shown['s'] as Set<unknown>)], [2]);
  assert.ok(Number.isNaN(shown['n']));
  assert.ok('u' in shown && shown['u'] === undefined);
});

test('class instances keep their class name and data; escaped keys are unescaped', () => {
  const shown = toDisplay({ [`${PLACEHOLDER_KEY}${PLACEHOLDER_KEY}x`]: 1, p: ph('instance', 'Point', { value: { x: 1 } }) }) as Record<string, unknown>;
  assert.equal(shown[`${PLACEHOLDER_KEY}x`], 1);
  assert.equal((shown['p'] as object).constructor.name, 'Point');
  assert.equal((shown['p'] as { x: number }).x, 1);
});

test('a preview line is short and readable', () => {
  assert.equal(previewLine({ name: 'main', items: [1, 2], deep: { a: { b: 1 } }, f: ph('function', 'go') }), '{name: "main", items: [1, 2], deep: {a: {…}}, f: ‹function go›}');
  assert.equal(previewLine('x'.repeat(100), 10).length, 10);
});

test('the shallow diff names added, removed and changed keys, or says a value changed', () => {
  assert.equal(describeChange(bundleChange({ a: 1, b: 2 }, { a: 1, b: 3, c: 4 })), '+c ~b');
  assert.equal(describeChange(bundleChange({ a: 1, gone: true }, { a: 1 })), '−gone');
  assert.equal(describeChange(bundleChange(1, 2)), 'value changed');
  assert.equal(describeChange(bundleChange({ a: 1 }, [1])), 'value changed');
  assert.equal(describeChange(bundleChange({ a: [1] }, { a: [1] })), 'no change');
  assert.equal(describeChange(bundleChange(undefined, { a: 1 })), 'value changed');
});
