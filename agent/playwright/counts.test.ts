import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RELEASED_BUNDLE } from '../protocol/bundle-preview.js';
import { BatchEncoder } from '../protocol/encode.js';
import { Op, PROTOCOL_VERSION, type AgentBatch, type AgentHello } from '../protocol/messages.js';
import { checkRecording, RECORDING_FORMAT, RECORDING_VERSION } from '../protocol/recording.js';
import { findLeaks, formatLeakReport, SessionState, sumCounts } from './counts.js';

const SESSION = 'session-1';
const FRAME = 'frame-1';

function batch(seq: number, events: [Op, number, string, unknown?][]): AgentBatch {
  const encoder = new BatchEncoder(() => 1000);
  for (const [op, serial, type, bundle] of events) encoder.add(op, serial, type, bundle === undefined ? undefined : JSON.stringify(bundle));
  return encoder.take(SESSION, FRAME, seq, 0)!;
}

const hello: AgentHello = { source: 'trackables-agent', v: PROTOCOL_VERSION, kind: 'hello', session: SESSION, frame: FRAME, agent: '0.1.0', url: 'http://x/', time: 5 };

test('counts follow attached, detached and destroyed; serials keep the latest bundle', () => {
  const state = new SessionState(SESSION, FRAME);
  state.apply(hello);
  state.apply(
    batch(1, [
      [Op.attached, 1, 'View', { n: 1 }],
      [Op.attached, 2, 'View'],
      [Op.attached, 3, 'View'],
      [Op.updated, 2, 'View', { n: 2 }],
      [Op.attached, 4, 'Item'],
    ]),
  );
  state.apply(
    batch(2, [
      [Op.destroyed, 1, 'View'],
      [Op.detached, 3, 'View'],
    ]),
  );
  assert.equal(state.url, 'http://x/');
  assert.equal(state.startedAt, 5);
  assert.deepEqual(state.counts(), {
    Item: { live: 1, created: 1, retired: 0 },
    View: { live: 1, created: 3, retired: 1 },
  });
  assert.deepEqual(state.counts(true).View!.serials, [{ serial: 2, bundle: { n: 2 } }]);
  assert.deepEqual(state.counts(true).Item!.serials, [{ serial: 4, bundle: undefined }]);
  assert.equal(state.missingBatches, 0);
});

test('a gap in seq counts missing batches, and dropped events add up', () => {
  const state = new SessionState(SESSION, FRAME);
  state.apply({ ...batch(1, [[Op.attached, 1, 'A']]), dropped: 7 });
  state.apply(batch(4, [[Op.attached, 2, 'A']]));
  assert.equal(state.missingBatches, 2);
  assert.equal(state.droppedEvents, 7);
  assert.equal(state.startedAt, 1000);
});

test('findLeaks reports a type that grew on every iteration, with its series', () => {
  const samples = [{ View: 1, Bus: 1 }, { View: 2, Bus: 1 }, { View: 3, Bus: 1 }, { View: 4, Bus: 1 }];
  assert.deepEqual(findLeaks(samples), [{ type: 'View', live: [1, 2, 3, 4], growth: 3 }]);
});

test('findLeaks reports total growth of at least the iteration count even when not monotonic', () => {
  const samples = [{ A: 0 }, { A: 2 }, { A: 2 }, { A: 3 }];
  assert.deepEqual(findLeaks(samples).map((leak) => leak.type), ['A']);
});

test('findLeaks ignores stable, shrinking and one-off growth', () => {
  assert.deepEqual(findLeaks([{ A: 3, B: 5, C: 0 }, { A: 3, B: 4, C: 1 }, { A: 3, B: 3, C: 1 }, { A: 3, B: 2, C: 1 }]), []);
});

test('findLeaks counts a type missing from a sample as 0 live', () => {
  assert.deepEqual(findLeaks([{}, { New: 1 }, { New: 2 }]), [{ type: 'New', live: [0, 1, 2], growth: 2 }]);
});

test('findLeaks honours include, ignore and tolerance', () => {
  const samples = [{ A: 0, B: 0 }, { A: 1, B: 1 }, { A: 2, B: 2 }];
  assert.deepEqual(findLeaks(samples, { include: ['B'] }).map((leak) => leak.type), ['B']);
  assert.deepEqual(findLeaks(samples, { ignore: ['B'] }).map((leak) => leak.type), ['A']);
  assert.deepEqual(findLeaks(samples, { tolerance: 2 }), []);
  assert.deepEqual(findLeaks(samples, { tolerance: 1 }).map((leak) => leak.type), ['A', 'B']);
});

test('findLeaks needs at least one iteration after the warm-up', () => {
  assert.deepEqual(findLeaks([{ A: 5 }]), []);
});

test('the leak report names each type, its series and the instances that stayed', () => {
  const text = formatLeakReport(
    [{ type: 'TodoView', live: [1, 2, 3], growth: 2 }],
    new Map([['TodoView', [{ serial: 12, bundle: { leak: true } }, { serial: 20, bundle: undefined }]]]),
    2,
  );
  assert.match(text, /1 type leaked/);
  assert.match(text, /TodoView: live 1 → 2 → 3 \(\+2\)/);
  assert.match(text, /still alive: TodoView #12 \{"leak":true\}/);
  assert.match(text, /still alive: TodoView #20 \(no bundle\)/);
});

test('a release (an update with RELEASED_BUNDLE) keeps the bundle and the counts; fate says released until destroyed', () => {
  const state = new SessionState(SESSION, FRAME);
  const encoder = new BatchEncoder(() => 1000);
  encoder.add(Op.attached, 1, 'View', '{"n":1}');
  encoder.add(Op.attached, 2, 'View', undefined);
  encoder.add(Op.updated, 1, 'View', RELEASED_BUNDLE);
  // Page data shaped like the marker arrives escaped: an ordinary bundle.
  encoder.add(Op.updated, 2, 'View', JSON.stringify({ '\u0000\u0000': 'released' }));
  state.apply(encoder.take(SESSION, FRAME, 1, 0)!);
  assert.deepEqual(state.counts(true), {
    View: {
      live: 2,
      created: 2,
      retired: 0,
      serials: [
        { serial: 1, bundle: { n: 1 }, released: 1000 },
        { serial: 2, bundle: { '\u0000\u0000': 'released' } },
      ],
    },
  });
  assert.deepEqual(state.fate(1), { status: 'released', type: 'View' });
  assert.deepEqual(state.fate(2), { status: 'live', type: 'View' });
  state.apply(batch(2, [[Op.destroyed, 1, 'View']]));
  assert.deepEqual(state.fate(1), { status: 'destroyed', type: 'View' });
  assert.deepEqual(state.counts(), { View: { live: 1, created: 2, retired: 1 } });
});

test('the leak report says which run released an instance that is still alive', () => {
  const text = formatLeakReport(
    [{ type: 'WindowWidth', live: [1, 2, 3], growth: 2 }],
    new Map([['WindowWidth', [{ serial: 12, bundle: { width: 800 }, released: 150 }, { serial: 13, bundle: undefined, released: 50 }, { serial: 14, bundle: undefined }]]]),
    2,
    undefined,
    [100, 200, 300],
  );
  assert.match(text, /still alive: WindowWidth #12 \(released in run 1 of 2: unmounted or disposed, not collected\) \{"width":800\}/);
  assert.match(text, /still alive: WindowWidth #13 \(released in the warm-up run: unmounted or disposed, not collected\) \(no bundle\)/);
  assert.match(text, /still alive: WindowWidth #14 \(no bundle\)/);
});

test('checkRecording accepts a recording and names the first bad message', () => {
  const recording = {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    createdAt: new Date(0).toISOString(),
    tool: 'test',
    sessions: [{ session: SESSION, frame: FRAME, url: 'http://x/', startedAt: 5, messages: [hello, batch(1, [[Op.attached, 1, 'A']])] }],
  };
  assert.equal(checkRecording(recording).ok, true);
  const bad = structuredClone(recording);
  (bad.sessions[0]!.messages[1] as AgentBatch).ops = '####';
  assert.deepEqual(checkRecording(bad), { ok: false, reason: 'sessions.0: messages.1: ops: event 0: serial out of range' });
  const foreign = structuredClone(recording);
  foreign.sessions[0]!.messages[0] = { ...hello, session: 'other' };
  assert.equal(checkRecording(foreign).ok, false);
  assert.equal(checkRecording({ ...recording, version: RECORDING_VERSION + 1 }).ok, false);
  assert.equal(checkRecording(null).ok, false);
});

test('streams of one session (copies of the agent in a window) add up; live instances merge oldest first', () => {
  const a = new SessionState(SESSION, 'copy-a');
  const b = new SessionState(SESSION, 'copy-b');
  // Serials come from one counter per window: the copies' instances interleave.
  a.apply(batch(1, [[Op.attached, 1, 'View'], [Op.attached, 3, 'View', { copy: 'a' }], [Op.attached, 4, 'Only A']]));
  b.apply(batch(1, [[Op.attached, 2, 'View'], [Op.attached, 5, 'View'], [Op.destroyed, 2, 'View']]));
  assert.deepEqual(sumCounts([a.counts(), b.counts()]), {
    'Only A': { live: 1, created: 1, retired: 0 },
    View: { live: 3, created: 4, retired: 1 },
  });
  assert.deepEqual(
    sumCounts([a.counts(true), b.counts(true)])['View']!.serials,
    [
      { serial: 1, bundle: undefined },
      { serial: 3, bundle: { copy: 'a' } },
      { serial: 5, bundle: undefined },
    ],
  );
  assert.deepEqual(sumCounts([a.counts()]), a.counts());
  assert.deepEqual(sumCounts([]), {});
});
