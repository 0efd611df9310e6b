import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBatch, forEachEvent, type LifecycleEvent } from './decode.js';
import { BatchEncoder, encodeOps, withoutRepeats } from './encode.js';
import { AGENT_SOURCE, OP_NAMES, Op, PROTOCOL_VERSION, type AgentBatch } from './messages.js';
import { shapeText } from './bundle-preview.js';
import { checkAgentMessage } from './validate.js';

/** A clock that advances by `step` ms per reading and counts its readings. */
function fakeClock(start: number, step: number): { now: () => number; readings: number[] } {
  const readings: number[] = [];
  let current = start;
  return {
    readings,
    now: () => {
      readings.push(current);
      const value = current;
      current += step;
      return value;
    },
  };
}

function take(encoder: BatchEncoder, seq = 1): AgentBatch {
  const batch = encoder.take('session-1', 'frame-1', seq, 0);
  assert.ok(batch, 'a batch with events');
  return batch;
}

test('events round-trip through encode and decode, in order', () => {
  const clock = fakeClock(1_700_000_000_000.25, 0.5);
  const encoder = new BatchEncoder(clock.now, 1);
  const input: [Op, number, string, string | undefined][] = [
    [Op.attached, 1, 'Session', undefined],
    [Op.updated, 1, 'Session', '{"user":7}'],
    [Op.attached, 2, 'Cart', '"x"'],
    [Op.detached, 1, 'Session', '{"user":7}'],
    [Op.destroyed, 2, 'Cart', '"x"'],
    [Op.attached, Number.MAX_SAFE_INTEGER, 'Session', ''],
  ];
  for (const [op, serial, type, bundle] of input) encoder.add(op, serial, type, bundle);
  assert.equal(encoder.size, input.length);
  const batch = take(encoder, 3);

  const events = decodeBatch(batch);
  assert.deepEqual(
    events.map(({ op, serial, type, bundle }) => [op, serial, type, bundle]),
    input.map(([op, serial, type, bundle]) => [OP_NAMES[op], serial, type, bundle]),
  );
  // Every event read the clock (readClockEvery = 1): times are the readings, to the microsecond.
  assert.deepEqual(
    events.map((e) => Math.round((e.time - batch.t0) * 1000)),
    clock.readings.map((r) => Math.round((r - clock.readings[0]!) * 1000)),
  );

  const visited: unknown[][] = [];
  forEachEvent(batch, (op, serial, type, time, bundle) => visited.push([OP_NAMES[op], serial, type, time, bundle]));
  assert.deepEqual(visited, events.map((e: LifecycleEvent) => [e.op, e.serial, e.type, e.time, e.bundle]));
});

test('take stamps the envelope and passes validation unchanged', () => {
  const encoder = new BatchEncoder(fakeClock(1000, 1).now);
  encoder.add(Op.attached, 5, 'T', undefined);
  const batch = encoder.take('s', 'f', 42, 17);
  assert.deepEqual(batch, {
    source: AGENT_SOURCE,
    v: PROTOCOL_VERSION,
    kind: 'batch',
    session: 's',
    frame: 'f',
    seq: 42,
    t0: 1000,
    dropped: 17,
    events: 1,
    strings: ['T'],
    // Type 0 attached, serial up by 5, time +0, no bundle: one digit each ('#' is 0).
    ops: '#(##',
  });
  const checked = checkAgentMessage(batch);
  assert.ok(checked.ok);
  assert.equal(checked.message, batch);
});

test('type names are interned once per batch; a bundle text has its own slot unless it repeats the previous one', () => {
  const encoder = new BatchEncoder(fakeClock(0, 1).now);
  for (let serial = 1; serial <= 50; serial++) {
    encoder.add(Op.attached, serial, serial % 2 ? 'Odd' : 'Even', serial % 3 ? '"common"' : undefined, serial > 1);
    encoder.add(Op.updated, serial, serial % 2 ? 'Odd' : 'Even', '"common"', true);
  }
  encoder.add(Op.updated, 1, 'Odd', 'Odd');
  encoder.add(Op.updated, 2, 'Even', '"common"');
  const batch = take(encoder);
  assert.deepEqual(batch.strings, ['Odd', '"common"', 'Even', 'Odd', '"common"']);
  assert.equal(batch.events, 102);
  // A bundle text equal to a type name has a slot of its own; decoding tells them apart.
  const events = decodeBatch(batch);
  assert.deepEqual({ ...events.at(-2)!, time: 0 }, { op: 'updated', serial: 1, type: 'Odd', bundle: 'Odd', time: 0 });
  assert.equal(events.filter((e) => e.bundle === undefined).length, 16);
  assert.equal(events.filter((e) => e.bundle === '"common"').length, 102 - 16 - 1);
  // A repeat with no bundle before it in the batch takes a slot.
  encoder.add(Op.updated, 3, 'Odd', '"x"', true);
  assert.deepEqual(take(encoder).strings, ['Odd', '"x"']);
});

test('the clock is read at the start of a batch and then once every readClockEvery events', () => {
  const clock = fakeClock(5000, 2);
  const encoder = new BatchEncoder(clock.now, 4);
  for (let i = 0; i < 10; i++) encoder.add(Op.attached, i + 1, 'T', undefined);
  assert.equal(clock.readings.length, 3);
  const times = decodeBatch(take(encoder)).map((e) => e.time);
  assert.deepEqual(times, [5000, 5000, 5000, 5000, 5002, 5002, 5002, 5002, 5004, 5004]);
});

test('times are non-decreasing and within the range of clock readings', () => {
  // Sub-millisecond steps with awkward fractions exercise the microsecond rounding.
  let now = 1_700_000_000_123.456;
  let step = 0;
  const readings: number[] = [];
  const clock = (): number => {
    step = (step * 7 + 3) % 11;
    now += step * 0.0371;
    readings.push(now);
    return now;
  };
  const encoder = new BatchEncoder(clock, 3);
  for (let i = 0; i < 1000; i++) encoder.add(i % 4 as Op, i + 1, `T${i % 5}`, i % 2 ? `${i}` : undefined);
  const batch = take(encoder);
  assert.equal(batch.t0, readings[0]);
  const times = decodeBatch(batch).map((e) => e.time);
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! >= times[i - 1]!, `time ${i} went backwards`);
  // Offsets are whole microseconds: half a microsecond of rounding either way.
  assert.ok(times[0]! >= readings[0]! - 0.0005);
  assert.ok(times.at(-1)! <= readings.at(-1)! + 0.0005);
});

test('a clock reading before t0 is clamped: no event is earlier than the batch start', () => {
  const values = [100, 99.5];
  const encoder = new BatchEncoder(() => values.shift() ?? 99, 1);
  encoder.add(Op.attached, 1, 'T', undefined);
  encoder.add(Op.attached, 2, 'T', undefined);
  const batch = take(encoder);
  assert.deepEqual(decodeBatch(batch).map((e) => e.time), [100, 100]);
  assert.ok(checkAgentMessage(batch).ok);
});

test('take returns null when empty and resets: the next batch starts afresh', () => {
  const clock = fakeClock(10, 1);
  const encoder = new BatchEncoder(clock.now, 64);
  assert.equal(encoder.take('s', 'f', 1, 0), null);
  encoder.add(Op.attached, 1, 'First', '"a"');
  encoder.add(Op.updated, 1, 'First', '"b"');
  const first = take(encoder, 1);
  assert.equal(encoder.size, 0);
  assert.equal(encoder.take('s', 'f', 2, 0), null);

  encoder.add(Op.destroyed, 9, 'Second', undefined);
  const second = take(encoder, 2);
  assert.deepEqual(second.strings, ['Second'], 'strings of the previous batch are not carried over');
  assert.deepEqual(second.ops, encodeOps([0 * 4 + Op.destroyed, 9, 0, -1]).ops);
  assert.equal(second.t0, 11, 'a new batch reads the clock again');

  // The first batch is not touched by later adds (it may still be queued for posting).
  assert.deepEqual(first.strings, ['First', '"a"', '"b"']);
  assert.deepEqual(decodeBatch(first).map((e) => [e.op, e.bundle]), [['attached', '"a"'], ['updated', '"b"']]);
});

test('every safe integer and every step back or forward survives the string encoding', () => {
  const serials = [1, 2, 31, 32, 33, 1023, 1024, 1025, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 7, Number.MAX_SAFE_INTEGER, 5, 1];
  const numbers: number[] = [];
  let offset = 0;
  serials.forEach((serial, i) => {
    offset += [0, 1, 31, 32, 1e6, 2 ** 40][i % 6]!;
    numbers.push((i % 3) * 4 + (i % 4), serial, offset, i % 2 ? -1 : i % 3);
  });
  const { ops, events } = encodeOps(numbers);
  assert.equal(events, serials.length);
  assert.match(ops, /^[#-B\]-|]+$/, 'printable ASCII without quote or backslash');
  const batch: AgentBatch = {
    source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'batch', session: 's', frame: 'f', seq: 1, t0: 0, dropped: 0,
    events, strings: ['A', 'B', 'C'], ops,
  };
  assert.ok(checkAgentMessage(batch).ok);
  const decoded = decodeBatch(batch);
  assert.deepEqual(decoded.map((e) => e.serial), serials);
  assert.deepEqual(
    decoded.map((e) => [OP_NAMES.indexOf(e.op), e.type, e.time * 1000, e.bundle]),
    serials.map((_, i) => [i % 4, 'ABC'[i % 3], numbers[i * 4 + 2], i % 2 ? undefined : 'ABC'[i % 3]]),
  );
});

test('encodeOps refuses what the encoding cannot carry', () => {
  assert.throws(() => encodeOps([0, 1, 5, -1, 0, 2, 4, -1]), /event 1/);
  assert.throws(() => encodeOps([0, 1.5, 0, -1]), RangeError);
  assert.throws(() => encodeOps([0, 1, 0, -2]), RangeError);
});

test('nextTask makes the next event read the clock', () => {
  const clock = fakeClock(100, 1);
  const encoder = new BatchEncoder(clock.now, 64);
  encoder.add(Op.attached, 1, 'T', undefined);
  encoder.add(Op.attached, 2, 'T', undefined);
  encoder.nextTask();
  encoder.add(Op.attached, 3, 'T', undefined);
  assert.deepEqual(decodeBatch(take(encoder)).map((e) => e.time), [100, 100, 101]);
  assert.equal(clock.readings.length, 2);
});

test('chars counts the open batch\'s strings once each', () => {
  const encoder = new BatchEncoder(fakeClock(0, 1).now);
  encoder.add(Op.attached, 1, 'Type', '"bundle"');
  encoder.add(Op.updated, 1, 'Type', '"bundle"', true);
  assert.equal(encoder.chars, 'Type'.length + '"bundle"'.length);
  encoder.add(Op.updated, 1, 'Type', '"bundle"');
  assert.equal(encoder.chars, 'Type'.length + 2 * '"bundle"'.length);
  take(encoder);
  assert.equal(encoder.chars, 0);
});

test('long runs of one type, large values among them and the buffer growing mid-batch decode exactly, batch after batch', () => {
  const encoder = new BatchEncoder(fakeClock(0, 0.001).now, 7);
  const expected: [string, number, string, string | undefined][] = [];
  const batches: AgentBatch[] = [];
  let serial = 1;
  for (let i = 0; i < 12_000; i++) {
    // Mostly one-digit events; now and then a serial far away (several digits) and back.
    serial = i % 997 === 0 ? serial + 2 ** 33 : i % 997 === 1 ? serial - 2 ** 33 + 1 : serial + 1;
    const type = i < 6_000 ? 'Run' : i % 3 === 0 ? 'Other' : 'Run';
    const bundle = i % 1_999 === 0 ? `{"i":${i}}` : undefined;
    const op = i % 4 === 3 ? Op.updated : Op.attached;
    encoder.add(op, serial, type, bundle);
    expected.push([OP_NAMES[op], serial, type, bundle]);
    // A batch boundary inside a run: the next batch names its type again.
    if (i === 4_999 || i === 9_999) batches.push(take(encoder));
  }
  batches.push(take(encoder));
  for (const batch of batches) {
    assert.ok(checkAgentMessage(batch).ok, 'each batch passes the full check');
    assert.equal(batch.strings[0], 'Run');
  }
  const decoded = batches.flatMap((batch) => decodeBatch(batch));
  assert.deepEqual(decoded.map(({ op, serial, type, bundle }) => [op, serial, type, bundle]), expected);
});

test('repeats: a loop\'s events shrink to a repeat per clock reading and decode exactly as written out', () => {
  const events = (repeats: boolean): AgentBatch[] => {
    const encoder = new BatchEncoder(fakeClock(1_700_000_000_000, 0.01).now, 64);
    encoder.repeats = repeats;
    const batches: AgentBatch[] = [];
    // A loop of 5,000 constructions, then their destroyed events from the last serial down, a
    // batch boundary in the middle of the loop.
    for (let serial = 1; serial <= 5_000; serial++) {
      encoder.add(Op.attached, serial, 'Row', undefined);
      if (serial === 3_000) batches.push(take(encoder));
    }
    for (let serial = 5_000; serial >= 1; serial--) encoder.add(Op.destroyed, serial, 'Row', undefined);
    batches.push(take(encoder, 2));
    return batches;
  };
  const plain = events(false);
  const repeated = events(true);
  assert.ok(plain.every((batch) => !batch.ops.includes('!')));
  for (const [i, batch] of repeated.entries()) {
    assert.ok(checkAgentMessage(batch).ok, 'passes the full check');
    assert.ok(batch.ops.length * 20 < plain[i]!.ops.length, `batch ${i}: ${batch.ops.length} characters against ${plain[i]!.ops.length}`);
    // Each batch stands alone: it starts with an event, never a repeat.
    assert.notEqual(batch.ops[0], '!');
    assert.equal(batch.events, plain[i]!.events);
    assert.deepEqual(decodeBatch(batch), decodeBatch(plain[i]!));
  }
  // The clock was read every 64 events (10 µs apart): the event that moved in time (`#$-#`), the
  // one before it again (`!%$`: period 2, once), then the last one 62 times (`!$^A`: period 1):
  // 11 characters where 64 events took 256.
  assert.match(repeated[0]!.ops, /^#\$##!\$\^B(#\$-#!%\$!\$\^A)+/);
});

test('repeats: only identical events fold; a repeated bundle text and a shape\'s values replay per event', () => {
  const encoder = new BatchEncoder(() => 1_700_000_000_000);
  encoder.repeats = true;
  encoder.add(Op.updated, 7, 'Cart', '{"n":1}');
  encoder.add(Op.updated, 7, 'Cart', '{"n":1}', true);
  encoder.add(Op.updated, 7, 'Cart', '{"n":1}', true);
  // A new text has its own slot: no repeat, even if it reads the same.
  encoder.add(Op.updated, 7, 'Cart', '{"n":1}');
  // A shape: each event takes values of its own, the repeat replays the shape, not the values.
  const shape = shapeText(['n']);
  for (let n = 2; n <= 5; n++) {
    const from = encoder.values.length;
    encoder.values.push(n);
    encoder.addShaped(Op.updated, 7, 'Cart', shape, from);
  }
  encoder.add(Op.detached, 7, 'Cart', undefined);
  const batch = take(encoder);
  assert.equal((batch.ops.match(/!/g) ?? []).length, 2, batch.ops);
  assert.ok(checkAgentMessage(batch).ok);
  assert.deepEqual(
    decodeBatch(batch).map((e) => [e.op, e.serial, e.bundle]),
    [
      ['updated', 7, '{"n":1}'],
      ['updated', 7, '{"n":1}'],
      ['updated', 7, '{"n":1}'],
      ['updated', 7, '{"n":1}'],
      ['updated', 7, '{"n":2}'],
      ['updated', 7, '{"n":3}'],
      ['updated', 7, '{"n":4}'],
      ['updated', 7, '{"n":5}'],
      ['detached', 7, undefined],
    ],
  );
  // One value fewer than the repeats take: refused, not misread.
  const short = checkAgentMessage({ ...batch, values: batch.values!.slice(1) });
  assert.match(short.ok ? '' : short.reason, /^ops: event 5: its bundles take values past the 3 sent by event 7/);
});

test('encodeOps writes repeats when asked, and the same events either way', () => {
  const numbers = Array.from({ length: 300 }, (_, i) => [4 * 0 + Op.attached, 10 + i, Math.floor(i / 100) * 5, -1]).flat();
  const plain = encodeOps(numbers);
  const repeated = encodeOps(numbers, { repeats: true });
  assert.equal(repeated.events, 300);
  // Serial 10 (`-`), a step of 1, that event 98 times more (`!$` then 98 as "`%"); every 100
  // events a 5 µs step (`#$(#`), the event before it again (`!%$`) and the last one 98 times.
  assert.equal(repeated.ops, '#-###$##!$`%#$(#!%$!$`%#$(#!%$!$`%');
  const batch = (ops: string): AgentBatch => ({ source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'batch', session: 's', frame: 'f', seq: 1, t0: 0, dropped: 0, events: 300, strings: ['T'], ops });
  assert.deepEqual(decodeBatch(batch(repeated.ops)), decodeBatch(batch(plain.ops)));
});

test('repeats: a mix that repeats nothing searches less often, and a loop after it still folds within a few events', () => {
  const encoder = new BatchEncoder(() => 1_700_000_000_000);
  encoder.repeats = true;
  // Nine types in turn: a period of 9, longer than a repeat reaches back.
  for (let serial = 1; serial <= 900; serial++) encoder.add(Op.attached, serial, `T${serial % 9}`, undefined);
  const mixed = take(encoder);
  assert.ok(!mixed.ops.includes('!'));
  for (let serial = 1; serial <= 900; serial++) encoder.add(Op.attached, serial, `T${serial % 9}`, undefined);
  for (let serial = 901; serial <= 10_900; serial++) encoder.add(Op.attached, serial, 'Loop', undefined);
  const then = take(encoder);
  // The 900 events as before, then at most the longest wait (16 events) written before the loop folds.
  assert.ok(then.ops.length <= mixed.ops.length + 4 * 17 + 8, `${then.ops.length} characters`);
  assert.deepEqual(decodeBatch(then).map((e) => [e.type, e.serial]).slice(895, 905), [
    ['T5', 896], ['T6', 897], ['T7', 898], ['T8', 899], ['T0', 900], ['Loop', 901], ['Loop', 902], ['Loop', 903], ['Loop', 904], ['Loop', 905],
  ]);
  assert.equal(decodeBatch(then).length, 10_900);
});

test('addLoopCopy takes only what add would fold into the open loop, and the batches are the same', () => {
  let state = 7;
  const random = (): number => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  // Both encoders read their own clock at the same events, or the batches differ in time.
  const direct = new BatchEncoder(fakeClock(1_700_000_000_000, 0.013).now, 64);
  const short = new BatchEncoder(fakeClock(1_700_000_000_000, 0.013).now, 64);
  direct.repeats = short.repeats = true;
  const plain: AgentBatch[] = [];
  const fast: AgentBatch[] = [];
  let taken = 0;
  let looped = 0;
  let serial = 1;
  for (let run = 0; run < 400; run++) {
    // A loop (ascending or descending serials, sometimes with a step of 2 or 0), a bundle now and then,
    // another type or op, a task boundary, a batch boundary.
    const op = [Op.attached, Op.destroyed, Op.updated][Math.floor(random() * 3)]!;
    const type = `T${Math.floor(random() * 3)}`;
    const step = [1, 1, 1, -1, 2, 0][Math.floor(random() * 6)]!;
    const length = Math.floor(random() * 150);
    for (let i = 0; i < length; i++) {
      serial = Math.max(1, serial + step);
      const bundle = random() < 0.02 ? `{"i":${i}}` : undefined;
      direct.add(op, serial, type, bundle);
      looped++;
      if (bundle === undefined && short.addLoopCopy(op, serial, type)) taken++;
      else short.add(op, serial, type, bundle);
    }
    if (random() < 0.2) {
      direct.nextTask();
      short.nextTask();
    }
    if (random() < 0.1) {
      plain.push(take(direct, plain.length + 1));
      fast.push(take(short, fast.length + 1));
    }
  }
  plain.push(take(direct, plain.length + 1));
  fast.push(take(short, fast.length + 1));
  assert.deepEqual(fast, plain);
  // It took most of the loops' events: with a clock reading every 64, about 61 of 64 in a long loop.
  assert.ok(taken > looped * 0.75, `${taken} of ${looped} events`);
});

test('addLoopCopy takes nothing without an open loop: repeats off, another type, op or serial, a new task, a new batch', () => {
  const loop = (encoder: BatchEncoder): void => {
    for (let serial = 1; serial <= 10; serial++) encoder.add(Op.attached, serial, 'Row', undefined);
  };
  const off = new BatchEncoder(() => 1_000);
  loop(off);
  assert.equal(off.addLoopCopy(Op.attached, 11, 'Row'), false, 'repeats off');
  const on = new BatchEncoder(() => 1_000);
  on.repeats = true;
  loop(on);
  assert.equal(on.addLoopCopy(Op.attached, 11, 'Other'), false, 'another type');
  assert.equal(on.addLoopCopy(Op.destroyed, 11, 'Row'), false, 'another op');
  assert.equal(on.addLoopCopy(Op.attached, 12, 'Row'), false, 'another step');
  assert.equal(on.addLoopCopy(Op.attached, 11, 'Row'), true);
  assert.equal(on.size, 11);
  on.nextTask();
  assert.equal(on.addLoopCopy(Op.attached, 12, 'Row'), false, 'a new task reads the clock');
  loop(on);
  take(on);
  assert.equal(on.addLoopCopy(Op.attached, 11, 'Row'), false, 'a new batch');
  // Serials at the end of the safe range: the next step would pass 2^53, which no serial reaches.
  const top = new BatchEncoder(() => 1_000);
  top.repeats = true;
  for (let serial = Number.MAX_SAFE_INTEGER - 5; serial <= Number.MAX_SAFE_INTEGER; serial += 1) top.add(Op.attached, serial, 'Row', undefined);
  assert.equal(top.addLoopCopy(Op.attached, Number.MAX_SAFE_INTEGER, 'Row'), false);
  assert.deepEqual(decodeBatch(take(top)).map((e) => e.serial).slice(-2), [Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER]);
});

test('withoutRepeats writes every repeat out: the characters protocol 2 writes for the same events', () => {
  let state = 11;
  const random = (): number => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let trial = 0; trial < 50; trial++) {
    // Loops of a unit of 1 to 9 events (9: longer than a repeat reaches), huge serial steps and
    // bundle indexes among them, so numbers of several digits are copied too.
    const events: number[] = [];
    let serial = 1;
    let time = 0;
    while (events.length < 4 * 2_000) {
      const unit = Array.from({ length: 1 + Math.floor(random() * 9) }, () => [
        Math.floor(random() * 4) * 4 + Math.floor(random() * 4),
        random() < 0.1 ? 1 + Math.floor(random() * 2 ** 40) : Math.floor(random() * 3),
        random() < 0.2 ? Math.floor(random() * 100_000) : -1,
      ]);
      const times = Math.floor(random() * 40);
      for (let i = 0; i < times; i++) {
        for (const [typeOp, step, bundle] of unit) {
          serial += step!;
          events.push(typeOp!, serial, time, bundle!);
        }
      }
      time += Math.floor(random() * 3) * 10;
    }
    const plain = encodeOps(events).ops;
    const repeated = encodeOps(events, { repeats: true }).ops;
    assert.ok(repeated.includes('!'));
    assert.equal(withoutRepeats(repeated), plain);
  }
  assert.equal(withoutRepeats('#$##'), '#$##');
});

test('bundle values: each batch gets its own values at their length, while the next batch writes over the same slots', () => {
  const encoder = new BatchEncoder(() => 1_700_000_000_000);
  const shape = shapeText(['a', 'b']);
  const batches: AgentBatch[] = [];
  for (let round = 0; round < 3; round++) {
    // Fewer events each round: slots left over from a longer batch must not leak into a shorter one.
    for (let i = 0; i < 5 - round * 2; i++) {
      const from = encoder.values.length;
      encoder.values.push(round * 100 + i);
      encoder.values.push(`r${round}`);
      encoder.addShaped(Op.updated, i + 1, 'T', shape, from);
    }
    // A bundle that turned out to go as text drops what it appended.
    const from = encoder.values.length;
    encoder.values.push('dropped');
    encoder.values.length = from;
    batches.push(take(encoder));
  }
  assert.deepEqual(
    batches.map((batch) => batch.values),
    [
      [0, 'r0', 1, 'r0', 2, 'r0', 3, 'r0', 4, 'r0'],
      [100, 'r1', 101, 'r1', 102, 'r1'],
      [200, 'r2'],
    ],
  );
  for (const batch of batches) assert.ok(checkAgentMessage(batch).ok);
  assert.deepEqual(decodeBatch(batches[2]!).map((event) => event.bundle), ['{"a":200,"b":"r2"}']);
});
