import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangeEvents } from './change-events.js';

test('many changes before a frame make one notification; a throwing listener does not stop others', (t) => {
  const pending: (() => void)[] = [];
  const notifier = new ChangeEvents<'counts'>((run) => pending.push(run));
  const error = t.mock.method(console, 'error', () => {});
  let heard = 0;
  notifier.subscribe('counts', () => {
    throw new Error('broken view');
  });
  const unsubscribe = notifier.subscribe('counts', () => heard++);
  for (let i = 0; i < 1_000; i++) notifier.changed('counts');
  assert.equal(pending.length, 1);
  pending.shift()!();
  assert.equal(heard, 1);
  assert.equal(notifier.version('counts'), 1);
  assert.equal(error.mock.callCount(), 1);
  notifier.changed('counts');
  unsubscribe();
  pending.shift()!();
  assert.equal(heard, 1);
  assert.equal(notifier.version('counts'), 2);
});

test('a flush tells only the topics that changed, each once, however many changed together', () => {
  const pending: (() => void)[] = [];
  const events = new ChangeEvents<'sessions' | 'drops' | 'counts:a' | 'counts:b'>((run) => pending.push(run));
  const heard: string[] = [];
  for (const topic of ['sessions', 'drops', 'counts:a', 'counts:b'] as const) events.subscribe(topic, () => heard.push(topic));
  events.changed('counts:a');
  events.changed('drops');
  events.changed('counts:a');
  assert.equal(pending.length, 1, 'one flush for every topic');
  pending.shift()!();
  assert.deepEqual(heard.sort(), ['counts:a', 'drops']);
  assert.deepEqual([events.version('counts:a'), events.version('counts:b'), events.version('drops'), events.version('sessions')], [1, 0, 1, 0]);
});
