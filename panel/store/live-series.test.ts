import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveSeries, MAX_POINTS } from './live-series.js';

function live(entries: Record<string, number>): Map<string, { live: number }> {
  return new Map(Object.entries(entries).map(([type, count]) => [type, { live: count }]));
}

test('x and every type y stay aligned; a type is 0 before it first appears', () => {
  const series = new LiveSeries();
  series.sample(1_000, live({ A: 1 }));
  series.sample(2_000, live({ A: 2, B: 5 }));
  assert.deepEqual(series.times, [1, 2]);
  assert.deepEqual(series.values.get('A'), [1, 2]);
  assert.deepEqual(series.values.get('B'), [0, 5]);
});

test('time never runs backwards on the x axis', () => {
  const series = new LiveSeries();
  series.sample(2_000, live({ A: 1 }));
  series.sample(1_500, live({ A: 2 }));
  assert.deepEqual(series.times, [2, 2]);
  assert.deepEqual(series.values.get('A'), [1, 2]);
});

test(`a long session stays at most ${MAX_POINTS} points per type, and the last value is kept`, () => {
  const series = new LiveSeries();
  for (let i = 0; i < 50_000; i++) {
    series.sample(i * 10, live({ A: i, B: 2 * i }));
    assert.ok(series.times.length <= MAX_POINTS);
  }
  const a = series.values.get('A')!;
  const b = series.values.get('B')!;
  assert.equal(a.length, series.times.length);
  assert.equal(b.length, series.times.length);
  assert.equal(a[a.length - 1], 49_999);
  assert.equal(b[b.length - 1], 2 * 49_999);
  assert.equal(series.times[series.times.length - 1], 49_999 * 10 / 1000);
  assert.equal(series.times[0], 0, 'the start is kept');
  assert.ok(series.times.length > MAX_POINTS / 4, 'thinning keeps a useful resolution');
  for (let i = 1; i < series.times.length; i++) assert.ok(series.times[i]! > series.times[i - 1]!, 'x stays increasing');
});
