import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axisTicks, fitRange, formatOffset, formatTick, MIN_FIT_MS, MIN_SPAN_MS, panRange, zoomRange } from './timeline-scale.js';

test('axis ticks take the smallest step that keeps labels apart, on multiples of it', () => {
  assert.deepEqual(axisTicks({ start: 0, end: 1_000 }, 800, 80), { step: 100, times: [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000] });
  assert.deepEqual(axisTicks({ start: 250, end: 1_250 }, 200, 80), { step: 500, times: [500, 1_000] });
  assert.equal(axisTicks({ start: 0, end: 600_000 }, 800, 80).step, 60_000);
  assert.deepEqual(axisTicks({ start: 0, end: 2 }, 800, 80).times, [0, 1, 2]);
});

test('labels: seconds with the decimals the step needs, then clock time; tooltips to the millisecond', () => {
  assert.equal(formatTick(1_500, 500), '1.5 s');
  assert.equal(formatTick(1_250, 50), '1.25 s');
  assert.equal(formatTick(3, 1), '0.003 s');
  assert.equal(formatTick(90_000, 15_000), '1:30');
  assert.equal(formatTick(3_600_000 + 120_000, 60_000), '1:02:00');
  assert.equal(formatTick(-2_000, 1_000), '−0:02');
  assert.equal(formatOffset(1_234.4), '+1.234 s');
  assert.equal(formatOffset(123_456.7), '+2:03.457');
  assert.equal(formatOffset(-5), '−0.005 s');
});

test('zoom keeps the anchor in place and stays within bounds; pan keeps the span; fit starts at 0', () => {
  assert.deepEqual(zoomRange({ start: 0, end: 100 }, 25, 0.5, 1_000), { start: 12.5, end: 62.5 });
  const tiny = zoomRange({ start: 10, end: 12 }, 11, 0.0001, 1_000);
  assert.equal(tiny.end - tiny.start, MIN_SPAN_MS);
  const wide = zoomRange({ start: 0, end: 100 }, 0, 1_000, 400);
  assert.deepEqual(wide, { start: 0, end: 400 });
  assert.deepEqual(panRange({ start: 10, end: 20 }, -15), { start: -5, end: 5 });
  assert.deepEqual(fitRange(10), { start: 0, end: MIN_FIT_MS });
  assert.deepEqual(fitRange(100_000), { start: 0, end: 102_000 });
});
