import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PageToWorker } from '../../agent/protocol/messages.js';
import { checkPageToWorker } from '../../agent/protocol/validate.js';
import { batch, hello } from '../test-support/messages.js';
import { RelayBuffer } from './relay-buffer.js';

function drained(buffer: RelayBuffer): PageToWorker[] {
  const sent: PageToWorker[] = [];
  buffer.drain((message) => sent.push(message));
  return sent;
}

test('drains in order and empties', () => {
  const buffer = new RelayBuffer();
  buffer.push(hello('s'));
  buffer.push(batch('s', 1));
  assert.deepEqual(drained(buffer), [hello('s'), batch('s', 1)]);
  assert.equal(buffer.isEmpty, true);
  assert.deepEqual(drained(buffer), []);
});

test('over the message bound, drops the oldest and reports them first', () => {
  const buffer = new RelayBuffer({ messages: 2, events: 1_000 });
  buffer.push(batch('s', 1, 3));
  buffer.push(batch('s', 2, 4));
  buffer.push(batch('s', 3, 5));
  assert.equal(buffer.size, 2);
  const sent = drained(buffer);
  assert.deepEqual(sent[0], { source: 'trackables-relay', v: 1, kind: 'relay-dropped', messages: 1, events: 3, invalid: 0 });
  assert.equal(checkPageToWorker(sent[0]).ok, true);
  assert.deepEqual(sent.slice(1), [batch('s', 2, 4), batch('s', 3, 5)]);
  assert.deepEqual(drained(buffer), [], 'a notice is sent once');
});

test('over the event bound, drops the oldest but keeps the newest even if alone it is over', () => {
  const buffer = new RelayBuffer({ messages: 100, events: 10 });
  buffer.push(batch('s', 1, 6));
  buffer.push(batch('s', 2, 6));
  assert.equal(buffer.size, 1);
  buffer.push(batch('s', 3, 20));
  assert.equal(buffer.size, 1);
  const [notice, ...rest] = drained(buffer);
  assert.deepEqual(notice, { source: 'trackables-relay', v: 1, kind: 'relay-dropped', messages: 2, events: 12, invalid: 0 });
  assert.deepEqual(rest, [batch('s', 3, 20)]);
});

test('a send that throws keeps the unsent message, and the notice until it went out', () => {
  const buffer = new RelayBuffer({ messages: 1, events: 1_000 });
  buffer.push(batch('s', 1));
  buffer.push(batch('s', 2));
  buffer.countInvalid();
  assert.throws(() => buffer.drain(() => { throw new Error('port gone'); }));
  const sent: PageToWorker[] = [];
  let calls = 0;
  assert.throws(() =>
    buffer.drain((message) => {
      if (++calls === 2) throw new Error('port gone');
      sent.push(message);
    }),
  );
  assert.equal(sent[0]?.kind, 'relay-dropped');
  assert.deepEqual(drained(buffer), [batch('s', 2)]);
});

test('invalid messages alone make a notice', () => {
  const buffer = new RelayBuffer();
  buffer.countInvalid();
  buffer.countInvalid();
  assert.equal(buffer.isEmpty, false);
  assert.deepEqual(drained(buffer), [{ source: 'trackables-relay', v: 1, kind: 'relay-dropped', messages: 0, events: 0, invalid: 2 }]);
});
