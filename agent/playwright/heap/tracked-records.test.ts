import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeapSnapshot } from 'node:v8';
import { track } from '../../track.js';
import { TrackingRecord } from '../../tracking-record.js';
import { namedType } from '../../tracker-protocol.js';
import { SERIAL_METHODS } from './find-instances.js';
import { SnapshotParser, type HeapSnapshot } from './snapshot-parser.js';
import { recordHolders } from './tracked-records.js';

class StampedByTrack {
  readonly marker = 'stamped';
}

class KeptInAWeakMap {
  readonly marker = 'weak-keyed';
}

async function snapshot(): Promise<HeapSnapshot> {
  const parser = new SnapshotParser();
  for await (const chunk of getHeapSnapshot()) parser.push(String(chunk));
  return parser.finish();
}

const objectsNamed = (s: HeapSnapshot, name: string): number[] => {
  const found: number[] = [];
  for (let ordinal = 0; ordinal < s.nodeCount; ordinal++) if (s.typeOf(ordinal) === 'object' && s.nameOf(ordinal) === name) found.push(ordinal);
  return found;
};

test('the holder of a record: the object track() stamped, or the WeakMap key of a refused one', async () => {
  const stamped = track(new StampedByTrack());
  // The fallback for objects that refuse private fields, as track.ts keeps it: a WeakMap entry.
  const weakKey = new KeptInAWeakMap();
  const fallback = new WeakMap<object, TrackingRecord>([[weakKey, new TrackingRecord(99, namedType('Fallback'), null)]]);
  const s = await snapshot();
  const records = objectsNamed(s, 'TrackingRecord');
  const holders = recordHolders(s, records);
  const held = [...holders.values()].map((ordinal) => s.nameOf(ordinal));
  assert.ok(held.includes('StampedByTrack'), `holders: ${held.join(', ')}`);
  assert.ok(held.includes('KeptInAWeakMap'), `holders: ${held.join(', ')}`);
  assert.equal(recordHolders(s, []).size, 0);
  assert.ok(stamped && fallback.has(weakKey));
});

test('the record prototype is found by its serial method in a snapshot, like a Trackable prototype', async () => {
  const kept = track(new StampedByTrack());
  const s = await snapshot();
  const holders = s.holdersOfProperties(SERIAL_METHODS);
  assert.ok(holders.trackedObjectSerial.length >= 1);
  assert.ok(holders.getTrackerSerial.length >= 1);
  const byId = s.ordinalsOf(holders.trackedObjectSerial);
  assert.ok([...byId.values()].some((ordinal) => s.nameOf(ordinal) === 'TrackingRecord' || s.nameOf(ordinal) === 'Object'));
  assert.ok(kept);
});
