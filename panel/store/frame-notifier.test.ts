import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameNotifier } from './frame-notifier.js';

test('many changes before a frame make one notification; a throwing listener does not stop others', (t) => {
  const pending: (() => void)[] = [];
  const notifier = new FrameNotifier((run) => pending.push(run));
  const error = t.mock.method(console, 'error', () => {});
  let heard = 0;
  notifier.subscribe(() => {
    throw new Error('broken view');
  });
  const unsubscribe = notifier.subscribe(() => heard++);
  for (let i = 0; i < 1_000; i++) notifier.changed();
  assert.equal(pending.length, 1);
  pending.shift()!();
  assert.equal(heard, 1);
  assert.equal(notifier.version, 1);
  assert.equal(error.mock.callCount(), 1);
  notifier.changed();
  unsubscribe();
  pending.shift()!();
  assert.equal(heard, 1);
  assert.equal(notifier.version, 2);
});
