import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchEncoder, encodeOps } from '../agent/protocol/encode.js';
import { MAX_OPS_LENGTH, Op, type AgentBatch } from '../agent/protocol/messages.js';
import { checkPageToWorker } from '../agent/protocol/validate.js';
import { foldBatch, foldOps, unfoldMessage, unfoldOps } from './ops-runs.js';

/** A deterministic pseudo-random source (tests must be repeatable). */
function random(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

test('a loop\'s batch folds to a few parts and unfolds to the same characters', () => {
  const encoder = new BatchEncoder(() => 1_000, 64);
  for (let serial = 70; serial < 5_070; serial++) encoder.add(Op.attached, serial, 'Item', undefined);
  const batch = encoder.take('s', 'f', 1, 0)!;
  const folded = foldOps(batch.ops)!;
  assert.ok(folded.length <= 4, `one run: ${JSON.stringify(folded)}`);
  assert.ok(JSON.stringify(folded).length < 40, 'a few dozen characters instead of 20,000');
  assert.equal(unfoldOps(folded), batch.ops);
});

test('any string of the digit characters unfolds to itself, runs or none', () => {
  const next = random(7);
  const alphabet = '#$%&]^_';
  for (let round = 0; round < 400; round++) {
    let ops = '';
    while (ops.length < next() * 3_000) {
      const piece = Array.from({ length: 1 + Math.floor(next() * 9) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      // Runs of every length around the folding threshold, of units and of other periods.
      ops += next() < 0.5 ? piece.repeat(Math.floor(next() * 40)) : piece;
    }
    const folded = foldOps(ops);
    assert.equal(folded === null ? ops : unfoldOps(folded), ops, `round ${round}`);
    if (folded !== null) assert.ok(JSON.stringify(folded).length < JSON.stringify(ops).length + 64, 'folding never costs much more than it saves');
  }
  assert.equal(foldOps(''), null);
  assert.equal(foldOps('#$##'.repeat(31)), null, 'shorter than a run');
  assert.deepEqual(foldOps('#$##'.repeat(32)), ['', '#$##', 32, '']);
  assert.deepEqual(foldOps(`%%${'#$##'.repeat(40)}&`), ['%%', '#$##', 40, '&'], 'a run that does not start where a probe looks');
});

test('a fold that is not one, or stands for more than a batch may hold, unfolds to nothing', () => {
  for (const bad of [
    null, 'ops', {}, [], [1], ['a', 'bcd', 2], ['a', 'bcd', 2, 'e'], ['a', '#$##', 0, 'e'], ['a', '#$##', -1, 'e'],
    ['a', '#$##', 1.5, 'e'], ['a', '#$##', '2', 'e'], [1, '#$##', 2, 'e'], ['a', '#$##', 2, 3],
    ['', '#$##', MAX_OPS_LENGTH / 4 + 1, ''], ['', '#$##', Number.MAX_SAFE_INTEGER, ''], ['', '#$##', 2 ** 60, ''],
    ['', '#$##', MAX_OPS_LENGTH / 8, '', '#$##', MAX_OPS_LENGTH / 8 + 1, ''],
  ]) {
    assert.equal(unfoldOps(bad), null, JSON.stringify(bad));
  }
  assert.equal(unfoldOps(['#', '#$##', 1, '$']), '##$##$');
});

test('the worker checks the agent\'s batch: a folded batch unfolds before the check, a broken fold is refused', () => {
  const { ops, events } = encodeOps(Array.from({ length: 500 }, (_, i) => [0, i + 1, 0, -1]).flat());
  const batch: AgentBatch = { source: 'trackables-agent', v: 2, kind: 'batch', session: 's', frame: 'f', seq: 1, t0: 0, dropped: 0, events, strings: ['A'], ops };
  const folded = foldBatch(batch);
  assert.ok('opsRuns' in folded && !('ops' in folded));
  // What crosses the port is JSON.
  const received = unfoldMessage(JSON.parse(JSON.stringify(folded)));
  assert.deepEqual(received, batch);
  assert.equal(checkPageToWorker(received).ok, true);

  const broken = unfoldMessage({ ...JSON.parse(JSON.stringify(folded)), opsRuns: ['', '#$##', 2 ** 40, ''] });
  assert.equal(checkPageToWorker(broken).ok, false, 'no ops: refused and counted like any malformed message');
  // A message with both fields, or without a fold, is left for the check as it came.
  const both = { ...batch, opsRuns: ['x'] };
  assert.equal(unfoldMessage(both), both);
  assert.equal(unfoldMessage(batch), batch);
  assert.equal(foldBatch({ ...batch, ops: '#$##' }).ops, '#$##', 'nothing to fold: sent as it is');
});
