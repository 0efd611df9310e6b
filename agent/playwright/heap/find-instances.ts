/*
 * Finds tracked instances by serial in a Chromium page over CDP, with no help from the page.
 * Two kinds of prototype carry a serial method of their own: those of the classes made by
 * `Trackable`/`trackableMixin` (`getTrackerSerial`, subclasses may override it), and that of the
 * record `track()` and `@trackable` stamp on the objects they track (RECORD_SERIAL_METHOD; the
 * heap snapshot then says which object holds the record). The prototypes are taken from the heap
 * snapshot when given, else found among all functions; their instances with
 * `Runtime.queryObjects`, each one's serial with the prototype's own method, and each found object
 * is mapped to its heap snapshot node id. Only instances of the wanted agent session (the window
 * the agent registered it on) count: iframes sharing the heap have serials of their own. Every
 * remote object lives in one object group, released before returning, so the lookup keeps
 * nothing alive.
 */
import type { CDPSession } from '@playwright/test';
import { RECORD_SERIAL_METHOD } from '../../tracking-record.js';

const GROUP_PREFIX = 'trackables-why-alive';
let groups = 0;

/** The own prototype methods that give a serial: a Trackable's, and a tracking record's. */
export const SERIAL_METHODS = ['getTrackerSerial', RECORD_SERIAL_METHOD] as const;
export type SerialMethod = (typeof SERIAL_METHODS)[number];

/** Snapshot ids of the prototypes holding each serial method. */
export type PrototypeIds = Record<SerialMethod, number[]>;

/** An object found by serial: the instance itself, or the tracking record stamped on it. */
export interface FoundObject {
  /** Heap snapshot node id. */
  id: number;
  /** Whether `id` is the instance's tracking record rather than the instance. */
  record: boolean;
}

/**
 * Runs in the page on the instances of one prototype: those with a wanted serial, by serial. It
 * runs in the prototype's window, whose agent session (window-session.ts) says whose serials
 * these are.
 */
const BY_SERIAL = `function (prototype, method, wanted, session) {
  if (globalThis[Symbol.for('trackables.session')] !== session) return {};
  const serial = Object.getOwnPropertyDescriptor(prototype, method).value;
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
 * The heap snapshot node id of each live object with one of `serials` in agent session
 * `session`, by serial; serials of no live tracked object are left out. Ids are only meaningful
 * once V8 assigned them: take the heap snapshot that gave `prototypeIds` before calling this.
 */
export async function findHeapIds(
  cdp: CDPSession,
  serials: readonly number[],
  session: string,
  prototypeIds: PrototypeIds,
): Promise<Map<number, FoundObject>> {
  const objectGroup = `${GROUP_PREFIX}-${++groups}`;
  const ids = new Map<number, FoundObject>();
  try {
    const prototypes = await serialPrototypes(cdp, objectGroup, prototypeIds);
    for (const method of SERIAL_METHODS) {
      for (const prototype of prototypes[method]) {
        const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: prototype.objectId, objectGroup });
        const { result: found } = await cdp.send('Runtime.callFunctionOn', {
          objectId: objects.objectId!,
          functionDeclaration: BY_SERIAL,
          arguments: [{ objectId: prototype.objectId }, { value: method }, { value: serials }, { value: session }],
          objectGroup,
        });
        // Sent together: each answer costs a round trip to the page, not any work there.
        const instances = await elements(cdp, found.objectId!);
        const answers = await Promise.all(instances.map((instance) => cdp.send('HeapProfiler.getHeapObjectId', { objectId: instance.objectId })));
        instances.forEach((instance, index) => {
          const id = Number(answers[index]!.heapSnapshotObjectId);
          if (id > 0) ids.set(Number(instance.name), { id, record: method === RECORD_SERIAL_METHOD });
        });
      }
    }
    return ids;
  } finally {
    await cdp.send('Runtime.releaseObjectGroup', { objectGroup }).catch(() => undefined);
  }
}

/** Remote objects of the prototypes with a serial method, from their snapshot ids (one round trip each, no heap walk). */
async function serialPrototypes(cdp: CDPSession, objectGroup: string, prototypeIds: PrototypeIds): Promise<Record<SerialMethod, { objectId: string }[]>> {
  const found: Record<SerialMethod, { objectId: string }[]> = { getTrackerSerial: [], [RECORD_SERIAL_METHOD]: [] };
  for (const method of SERIAL_METHODS) {
    for (const id of prototypeIds[method]) {
      try {
        const { result } = await cdp.send('HeapProfiler.getObjectByHeapObjectId', { objectId: String(id), objectGroup });
        if (result.objectId !== undefined) found[method].push({ objectId: result.objectId });
      } catch {
        // Collected since the snapshot: it has no instances left either.
      }
    }
  }
  return found;
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
