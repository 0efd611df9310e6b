import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROTOCOL_VERSION } from '../../agent/protocol/messages.js';
import { checkPageToWorker } from '../../agent/protocol/validate.js';
import { batch, hello } from '../test-support/messages.js';
import { RelayBuffer, type Relayed } from './relay-buffer.js';

function sent(buffer: RelayBuffer): Relayed[] {
  const messages: Relayed[] = [];
  buffer.send((message) => messages.push(message));
  return messages;
}

const notice = (messages: number, events: number, invalid = 0) => ({ source: 'trackables-relay', v: PROTOCOL_VERSION, kind: 'relay-dropped', messages, events, invalid });

test('sends in order, each message once per port', () => {
  const buffer = new RelayBuffer();
  buffer.push(hello('s'));
  buffer.push(batch('s', 1));
  assert.deepEqual(sent(buffer), [hello('s'), batch('s', 1)]);
  assert.equal(buffer.hasUnsent, false);
  assert.deepEqual(sent(buffer), []);
  buffer.push(batch('s', 2));
  assert.deepEqual(sent(buffer), [batch('s', 2)]);
});

test('keeps what was sent until acknowledged, and sends all of it again on a new port', () => {
  const buffer = new RelayBuffer();
  for (const message of [hello('s'), batch('s', 1), batch('s', 2), batch('s', 3)]) buffer.push(message);
  sent(buffer);
  buffer.acknowledge(2);
  assert.equal(buffer.size, 2, 'hello and batch 1 are stored: forgotten');
  buffer.acknowledge(1);
  assert.equal(buffer.size, 2, 'an older acknowledgement forgets nothing more');
  buffer.push(batch('s', 4));
  buffer.rewind();
  assert.equal(buffer.hasUnsent, true);
  assert.deepEqual(sent(buffer), [batch('s', 2), batch('s', 3), batch('s', 4)]);
  // The new port counts from its own first message.
  buffer.acknowledge(2);
  assert.equal(buffer.size, 1);
  buffer.acknowledge(3);
  assert.equal(buffer.size, 0);
  buffer.rewind();
  assert.deepEqual(sent(buffer), []);
});

test('an acknowledgement covers only messages sent on the port, not those waiting', () => {
  const buffer = new RelayBuffer();
  buffer.push(batch('s', 1));
  sent(buffer);
  buffer.push(batch('s', 2));
  buffer.acknowledge(5);
  assert.equal(buffer.size, 1);
  assert.deepEqual(sent(buffer), [batch('s', 2)]);
});

test('over the message bound, drops the oldest unsent and reports them first', () => {
  const buffer = new RelayBuffer({ messages: 2, events: 1_000 });
  buffer.push(batch('s', 1, 3));
  buffer.push(batch('s', 2, 4));
  buffer.push(batch('s', 3, 5));
  assert.equal(buffer.size, 2);
  const messages = sent(buffer);
  assert.deepEqual(messages[0], notice(1, 3));
  assert.equal(checkPageToWorker(messages[0]).ok, true);
  assert.deepEqual(messages.slice(1), [batch('s', 2, 4), batch('s', 3, 5)]);
  assert.deepEqual(sent(buffer), [], 'a notice is sent once');
});

test('evicting a message a live port took is not a drop: the worker has it', () => {
  const buffer = new RelayBuffer({ messages: 2, events: 1_000 });
  buffer.push(batch('s', 1));
  buffer.push(batch('s', 2));
  sent(buffer);
  buffer.push(batch('s', 3));
  assert.equal(buffer.size, 2);
  assert.deepEqual(sent(buffer), [batch('s', 3)]);
  // Once the port is gone it is unsent again, and evicting it then is a drop.
  buffer.rewind();
  buffer.push(batch('s', 4));
  assert.deepEqual(sent(buffer), [notice(1, 1), batch('s', 3), batch('s', 4)]);
});

test('over the event bound, drops the oldest but keeps the newest even if alone it is over', () => {
  const buffer = new RelayBuffer({ messages: 100, events: 10 });
  buffer.push(batch('s', 1, 6));
  buffer.push(batch('s', 2, 6));
  assert.equal(buffer.size, 1);
  buffer.push(batch('s', 3, 20));
  assert.equal(buffer.size, 1);
  const [first, ...rest] = sent(buffer);
  assert.deepEqual(first, notice(2, 12));
  assert.deepEqual(rest, [batch('s', 3, 20)]);
});

test('acknowledged messages free the event bound', () => {
  const buffer = new RelayBuffer({ messages: 100, events: 10 });
  buffer.push(batch('s', 1, 6));
  sent(buffer);
  buffer.acknowledge(1);
  buffer.push(batch('s', 2, 6));
  buffer.rewind();
  assert.deepEqual(sent(buffer), [batch('s', 2, 6)]);
});

test('a send that throws leaves that message unsent, and the notice until it went out', () => {
  const buffer = new RelayBuffer({ messages: 1, events: 1_000 });
  buffer.push(batch('s', 1));
  buffer.push(batch('s', 2));
  buffer.countInvalid();
  assert.throws(() => buffer.send(() => { throw new Error('port gone'); }));
  const messages: Relayed[] = [];
  let calls = 0;
  assert.throws(() =>
    buffer.send((message) => {
      if (++calls === 2) throw new Error('port gone');
      messages.push(message);
    }),
  );
  assert.deepEqual(messages, [notice(1, 1, 1)]);
  assert.deepEqual(sent(buffer), [batch('s', 2)]);
  buffer.rewind();
  assert.deepEqual(sent(buffer), [notice(1, 1, 1), batch('s', 2)], 'the notice, unacknowledged, goes again too');
});

test('a notice evicted before it went out passes its counts on to the next', () => {
  const buffer = new RelayBuffer({ messages: 1, events: 1_000 });
  buffer.countInvalid();
  assert.throws(() => buffer.send(() => { throw new Error('port gone'); }));
  buffer.push(batch('s', 1));
  assert.deepEqual(sent(buffer), [notice(0, 0, 1), batch('s', 1)]);
});

test('invalid messages alone make a notice', () => {
  const buffer = new RelayBuffer();
  buffer.countInvalid();
  buffer.countInvalid();
  assert.equal(buffer.hasUnsent, true);
  assert.deepEqual(sent(buffer), [notice(0, 0, 2)]);
});
