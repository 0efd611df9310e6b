/*
 * Finds trackable instances by serial in a Chromium page over CDP, with no help from the page:
 * the prototypes of the classes made by `Trackable`/`trackableMixin` (those with an own
 * `getTrackerSerial`) are taken from the heap snapshot when given, else found among all functions,
 * their instances with `Runtime.queryObjects`, each
 * instance's serial with that prototype's own method (subclasses may override it). Each found
 * instance is mapped to its heap snapshot node id. Every remote object lives in one object group,
 * released before returning, so the lookup keeps nothing alive.
 */
import type { CDPSession } from '@playwright/test';

const GROUP_PREFIX = 'trackables-why-alive';
let groups = 0;

/** Runs in the page on the array of every function: the base trackable classes' prototypes. */
const TRACKED_PROTOTYPES = `function () {
  const found = [];
  for (const fn of this) {
    try {
      const descriptor = Object.getOwnPropertyDescriptor(fn, 'prototype');
      const prototype = descriptor === undefined ? undefined : descriptor.value;
      if (typeof prototype !== 'object' || prototype === null) continue;
      const method = Object.getOwnPropertyDescriptor(prototype, 'getTrackerSerial');
      if (method !== undefined && typeof method.value === 'function') found.push(prototype);
    } catch {}
  }
  return found;
}`;

/** Runs in the page on the instances of one prototype: those with a wanted serial, by serial. */
const BY_SERIAL = `function (prototype, wanted) {
  const serial = Object.getOwnPropertyDescriptor(prototype, 'getTrackerSerial').value;
  const want = new Set(wanted);
  const found = Object.create(null);
  for (const object of this) {
    try {
      const value = serial.call(object);
      if (want.has(value)) found[value] = object;
    } catch {}
  }
  return found;
}`;

/**
 * The heap snapshot node id of each live instance with one of `serials`, by serial; serials
 * of no live trackable instance are left out. Ids are only meaningful once V8 assigned them: take
 * the heap snapshot (or start heap object tracking) before calling this.
 */
export async function findHeapIds(cdp: CDPSession, serials: readonly number[], prototypeIds: readonly number[] = []): Promise<Map<number, number>> {
  const objectGroup = `${GROUP_PREFIX}-${++groups}`;
  const ids = new Map<number, number>();
  try {
    for (const prototype of await trackedPrototypes(cdp, objectGroup, prototypeIds)) {
      const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: prototype.objectId, objectGroup });
      const { result: found } = await cdp.send('Runtime.callFunctionOn', {
        objectId: objects.objectId!,
        functionDeclaration: BY_SERIAL,
        arguments: [{ objectId: prototype.objectId }, { value: serials }],
        objectGroup,
      });
      // Sent together: each answer costs a round trip to the page, not any work there.
      const instances = await elements(cdp, found.objectId!);
      const answers = await Promise.all(instances.map((instance) => cdp.send('HeapProfiler.getHeapObjectId', { objectId: instance.objectId })));
      instances.forEach((instance, index) => {
        const id = Number(answers[index]!.heapSnapshotObjectId);
        if (id > 0) ids.set(Number(instance.name), id);
      });
    }
    return ids;
  } finally {
    await cdp.send('Runtime.releaseObjectGroup', { objectGroup }).catch(() => undefined);
  }
}

/**
 * Remote objects of the trackable base prototypes: from their snapshot ids (one round trip each,
 * no heap walk), else by searching every function of the page (a heap walk and an array of all).
 */
async function trackedPrototypes(cdp: CDPSession, objectGroup: string, prototypeIds: readonly number[]): Promise<{ objectId: string }[]> {
  const found: { objectId: string }[] = [];
  for (const id of prototypeIds) {
    try {
      const { result } = await cdp.send('HeapProfiler.getObjectByHeapObjectId', { objectId: String(id), objectGroup });
      if (result.objectId !== undefined) found.push({ objectId: result.objectId });
    } catch {
      // Collected since the snapshot: it has no instances left either.
    }
  }
  if (found.length > 0) return found;
  const { result: functionPrototype } = await cdp.send('Runtime.evaluate', { expression: 'Function.prototype', objectGroup });
  const { objects: functions } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: functionPrototype.objectId!, objectGroup });
  const { result: prototypes } = await cdp.send('Runtime.callFunctionOn', { objectId: functions.objectId!, functionDeclaration: TRACKED_PROTOTYPES, objectGroup });
  return elements(cdp, prototypes.objectId!);
}

/** The own properties of a remote object that hold objects, with their names. */
async function elements(cdp: CDPSession, objectId: string): Promise<{ name: string; objectId: string }[]> {
  const { result } = await cdp.send('Runtime.getProperties', { objectId, ownProperties: true });
  const out: { name: string; objectId: string }[] = [];
  for (const property of result) {
    if (property.enumerable && property.value?.objectId !== undefined) out.push({ name: property.name, objectId: property.value.objectId });
  }
  return out;
}
