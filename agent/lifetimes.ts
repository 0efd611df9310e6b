import { notifyDestroyed, type TrackedClass, type TrackerProtocol } from './tracker-protocol.js';

/*
 * Destroyed notifications, designed around what FinalizationRegistry costs (see
 * docs/BENCHMARKS.md and shared notes): registering with an unregister token is ~6× slower and
 * leaves ~34 bytes per collected object behind, and a record as held value costs ~60 bytes more
 * than a small integer. So every instance is registered once, with its serial as the held value
 * and no token, in a registry made for its (type, tracker at registration) pair: the callback
 * knows the type and the usual tracker from its closure. Only what differs from that is kept on
 * the side, by serial: the tracker after a `setTracker`, and the bundle while a tracker is
 * attached (the instance itself is gone when the callback runs).
 *
 * Instance lookup (instance-lookup.ts) adds one field: a type's serial → WeakRef table while
 * lookup is on for it, shared by the type's registries, so a construction pays a null check on
 * the registry record it already loaded, and the finalizer drops the entry.
 */

interface Lifetimes {
  readonly type: TrackedClass;
  readonly tracker: TrackerProtocol | null;
  readonly registry: FinalizationRegistry<number>;
  /** The type's instance table while lookup is on for it, else null. */
  refs: InstanceRefs | null;
}

/** Live instances of one type by serial, weakly: a lookup table never keeps one alive. */
export type InstanceRefs = Map<number, WeakRef<object>>;

/** The tracker of a registered instance whose tracker changed since registration (null = none). */
const trackerOverrides = new Map<number, TrackerProtocol | null>();
/** The bundle of a registered instance that has a tracker and a bundle other than undefined. */
const bundles = new Map<number, unknown>();

const byType = new WeakMap<TrackedClass, Map<TrackerProtocol | null, Lifetimes>>();
/** The instance table of each type with lookup on, for registries made later. */
const refsByType = new WeakMap<TrackedClass, InstanceRefs>();
// A cache on the class itself turns the common lookup into one property load. It may be found
// through a superclass, hence the `type` check.
const CACHE = Symbol('trackables.lifetimes');
type Cached = TrackedClass & { [CACHE]?: Lifetimes };

function lifetimesFor(type: TrackedClass, tracker: TrackerProtocol | null): Lifetimes {
  const cached = (type as Cached)[CACHE];
  if (cached !== undefined && cached.type === type && cached.tracker === tracker) return cached;
  let forType = byType.get(type);
  if (forType === undefined) byType.set(type, (forType = new Map()));
  let lifetimes = forType.get(tracker);
  if (lifetimes === undefined) forType.set(tracker, (lifetimes = createLifetimes(type, tracker)));
  try {
    Object.defineProperty(type, CACHE, { value: lifetimes, configurable: true, writable: true });
  } catch {
    // A frozen class: every lookup takes the slow path, nothing else changes.
  }
  return lifetimes;
}

function createLifetimes(type: TrackedClass, tracker: TrackerProtocol | null): Lifetimes {
  const registry = new FinalizationRegistry<number>((serial) => {
    const refs = lifetimes.refs;
    if (refs !== null) refs.delete(serial);
    let current = tracker;
    if (trackerOverrides.size !== 0) {
      const override = trackerOverrides.get(serial);
      if (override !== undefined) {
        current = override;
        trackerOverrides.delete(serial);
      }
    }
    let bundle: unknown;
    if (bundles.size !== 0) {
      bundle = bundles.get(serial);
      if (bundle !== undefined) bundles.delete(serial);
    }
    if (current !== null) notifyDestroyed(current, serial, type, bundle);
  });
  const lifetimes: Lifetimes = { type, tracker, registry, refs: refsByType.get(type) ?? null };
  return lifetimes;
}

function register(lifetimes: Lifetimes, instance: object, serial: number): void {
  lifetimes.registry.register(instance, serial);
  if (lifetimes.refs !== null) lifetimes.refs.set(serial, new WeakRef(instance));
}

/** Watches a new instance created with `tracker` (not null) attached. */
export function watchNew(instance: object, type: TrackedClass, serial: number, tracker: TrackerProtocol): void {
  register(lifetimesFor(type, tracker), instance, serial);
}

/**
 * Gives `type`'s registries an instance table (lookup on), or none (off). Instances registered
 * from now on are added to it; earlier ones cannot be, since a registry cannot be enumerated.
 */
export function setInstanceRefs(type: TrackedClass, refs: InstanceRefs | null): void {
  if (refs === null) refsByType.delete(type);
  else refsByType.set(type, refs);
  for (const lifetimes of byType.get(type)?.values() ?? []) lifetimes.refs = refs;
}

/**
 * Records a tracker change. `wasWatched` is whether the instance had a tracker at some point
 * (then it is already registered); an instance that never had one is registered now.
 */
export function trackerChanged(
  instance: object,
  type: TrackedClass,
  serial: number,
  wasWatched: boolean,
  tracker: TrackerProtocol | null,
  bundle: unknown,
): void {
  if (tracker === null) {
    if (!wasWatched) return;
    trackerOverrides.set(serial, null);
    bundles.delete(serial);
    return;
  }
  if (!wasWatched) register(lifetimesFor(type, null), instance, serial);
  trackerOverrides.set(serial, tracker);
  if (bundle !== undefined) bundles.set(serial, bundle);
}

/** Whether an instance without a tracker now was registered earlier. */
export function isWatched(serial: number): boolean {
  return trackerOverrides.has(serial);
}

/** Keeps the bundle a destroyed notification will carry. Call only while a tracker is attached. */
export function bundleChanged(serial: number, bundle: unknown): void {
  if (bundle === undefined) bundles.delete(serial);
  else bundles.set(serial, bundle);
}

/** Side-table sizes, for tests and diagnostics: what tracking costs beyond the instances. */
export function lifetimeTableSizes(): { trackerOverrides: number; bundles: number } {
  return { trackerOverrides: trackerOverrides.size, bundles: bundles.size };
}
