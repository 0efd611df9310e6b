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
  const attached: { serial: number; at: number }[] = [];
  for (let i = 0; i < 3000; i++) {
    births.note(i);
    attached.push({ serial: i, at: performance.timeOrigin + performance.now() });
    if (i % 100 === 0) await nextTask(2);
    else await Promise.resolve().then(() => undefined);
  }
  assert.ok(births.size <= 1024, `size ${births.size}`);
  await nextTask(0);
  const now = performance.timeOrigin + performance.now();
  for (const { serial, at } of attached) {
    const trueAge = (now - at) / 1000;
    const age = births.ageSeconds(serial);
    assert.ok(age >= trueAge - 0.002, `serial ${serial} never younger than it is: ${age} < ${trueAge}`);
    assert.ok(age <= trueAge * 1.05 + 0.002, `serial ${serial}: ${age} vs ${trueAge}`);
  }
});
