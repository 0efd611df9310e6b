import { setInstanceRefs, type InstanceRefs } from './lifetimes.js';
import { lastSerialGiven } from './serials.js';
import { trackingNameOf, type TrackedClass } from './tracker-protocol.js';

interface Lookup {
  readonly refs: InstanceRefs;
  /** The serial given last when lookup was turned on: instances up to it are not in `refs`. */
  readonly since: number;
}

/** Types with lookup on: few, the ones a page wants to reveal from DevTools. */
const lookups = new Map<TrackedClass, Lookup>();

/**
 * Turns instance lookup for `type` on or off: with it on, {@link findInstance} finds the live
 * instances of `type` by serial, which is how the DevTools panel's "Reveal in Console" reaches
 * them (a tracker only ever hears serials). Usually turned on through
 * `PostMessageTracker.setObjectTracking(type)`.
 *
 * - Only instances that get a tracker from now on are found: those created (or given their first
 *   tracker) earlier cannot be added later.
 * - The table holds weak references: it never keeps an instance alive, and an entry goes when its
 *   instance is garbage-collected. Turning lookup off forgets the table.
 * - It covers instances whose class is exactly `type`, the `type` trackers receive. A subclass is a
 *   type of its own, for trackers and in the panel: turn lookup on for it as well.
 * - Off (the default), it costs nothing more than a null check per construction; on, one
 *   WeakRef and one Map entry per tracked instance of the type.
 *
 * ```ts
 * setGlobalTracker(new Tracker());
 * setInstanceLookup(Session);
 * const session = new Session();
 * findInstance(session.getTrackerSerial()) === session; // true
 * ```
 */
export function setInstanceLookup(type: TrackedClass, enable = true): void {
  if (typeof type !== 'function') throw new TypeError(`Trackables: setInstanceLookup takes a class, not ${typeof type}.`);
  if (!enable) {
    if (lookups.delete(type)) setInstanceRefs(type, null);
    return;
  }
  if (lookups.has(type)) return;
  const lookup: Lookup = { refs: new Map(), since: lastSerialGiven() };
  lookups.set(type, lookup);
  setInstanceRefs(type, lookup.refs);
}

/**
 * The live instance with this serial, when instance lookup is on for its type (see
 * {@link setInstanceLookup}); undefined when it was collected, or is not looked up.
 */
export function findInstance(serial: number): object | undefined {
  for (const { refs } of lookups.values()) {
    const ref = refs.get(serial);
    if (ref !== undefined) return ref.deref();
  }
  return undefined;
}

/** What a search by serial and type name found: the instance, or why not. */
export type LookupResult =
  | { status: 'found'; instance: object }
  /** Lookup is on for the type and covered the serial: the instance was garbage-collected. */
  | { status: 'collected' }
  /** Lookup is off for the type, or was turned on after the instance got its tracker. */
  | { status: 'not-kept' };

/** {@link findInstance}, saying why nothing was found. `type` is the name the type is reported under. */
export function lookUpInstance(serial: number, type: string): LookupResult {
  const instance = findInstance(serial);
  if (instance !== undefined) return { status: 'found', instance };
  for (const [kept, { since }] of lookups) {
    if (serial > since && trackingNameOf(kept) === type) return { status: 'collected' };
  }
  return { status: 'not-kept' };
}

/** Entries in every lookup table, for tests and diagnostics: what lookup costs right now. */
export function lookedUpInstances(): number {
  let count = 0;
  for (const { refs } of lookups.values()) count += refs.size;
  return count;
}
