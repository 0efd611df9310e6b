import assert from 'node:assert/strict';
import { setTimeout as nextTask } from 'node:timers/promises';
import { test } from 'node:test';
import { BirthTimes } from './birth-times.js';

test('dates serials by the checkpoint of the task that attached them', async () => {
  const births = new BirthTimes();
  births.note(10);
  births.note(11);
  assert.equal(births.size, 1, 'one checkpoint per task');
  await nextTask(120);
  births.note(20);
  assert.equal(births.size, 2);
  await nextTask(120);
  const old = births.ageSeconds(11);
  const young = births.ageSeconds(20);
  assert.ok(old >= 0.2 && old < 5, `age of 11: ${old}`);
  assert.ok(young >= 0.1 && young < old - 0.05, `age of 20: ${young}`);
  assert.equal(births.ageSeconds(5), old, 'a serial older than the table takes its first date');
});

test('an older serial attached again adds no checkpoint', async () => {
  const births = new BirthTimes();
  births.note(10);
  await nextTask(0);
  births.note(3);
  assert.equal(births.size, 1);
});

test('the table stays bounded, and thinned dates stay within 5% of the age', async () => {
  const births = new BirthTimes();
  // The checkpoint's clock read happens between `before` and `after` (a loaded machine may
  // preempt the process anywhere in between).
  const clock = () => performance.timeOrigin + performance.now();
  const attached: { serial: number; before: number; after: number }[] = [];
  for (let i = 0; i < 3000; i++) {
    const before = clock();
    births.note(i);
    attached.push({ serial: i, before, after: clock() });
    if (i % 100 === 0) await nextTask(2);
    else await Promise.resolve().then(() => undefined);
  }
  assert.ok(births.size <= 1024, `size ${births.size}`);
  await nextTask(0);
  const now = clock();
  for (const { serial, before, after } of attached) {
    const age = births.ageSeconds(serial);
    assert.ok(age >= (now - after) / 1000 - 0.002, `serial ${serial} never younger than it is: ${age} s`);
    assert.ok(age <= ((now - before) / 1000) * 1.05 + 0.002, `serial ${serial}: ${age} s, at most ${(now - before) / 1000} s old`);
  }
});
