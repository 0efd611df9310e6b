import { bundleChanged, isWatched, trackerChanged, watchNew } from './lifetimes.js';
import { nextSerial } from './serials.js';
import { assertBundle, getGlobalTracker, isTrackableInstance, type Trackable } from './trackable.js';
import {
  assertTracker,
  namedType,
  notifyAttached,
  notifyDetached,
  notifyReleased,
  notifyUpdated,
  reportTrackerError,
  type TrackedClass,
  type TrackerProtocol,
} from './tracker-protocol.js';
import { TrackingRecord } from './tracking-record.js';

/** Options of {@link track}. */
export interface TrackOptions {
  /**
   * The name the object is reported under. Default: its class (its constructor, reported under
   * the class's own static `trackingName`, else its name). Give one where names are minified or
   * the constructor says little (`Object`).
   */
  type?: string;
}

/*
 * Where a tracked object's TrackingRecord lives: in a private field added to the object itself (the
 * class-returns-its-argument pattern), which nothing outside this module can see (not in
 * `Reflect.ownKeys`, not to Proxies' traps, not to JSON). A `WeakMap` keyed by the object would do
 * the same but costs ~2-3x a Trackable's whole construction (docs/BENCHMARKS.md): each entry is an
 * ephemeron the collector must revisit. It remains the fallback for objects an engine refuses new
 * private fields (non-extensible ones, where the "non-extensible applies to private" change has
 * shipped). Both are collected with the object.
 */
const Stamp = function (obj: object) {
  return obj;
} as unknown as new (obj: object) => object;

class Stamped extends Stamp {
  readonly #tracking: TrackingRecord;

  private constructor(obj: object, tracking: TrackingRecord) {
    super(obj);
    this.#tracking = tracking;
  }

  static add(obj: object, tracking: TrackingRecord): void {
    try {
      new Stamped(obj, tracking);
    } catch {
      refused.set(obj, tracking);
    }
  }

  static get(obj: object): TrackingRecord | undefined {
    return #tracking in obj ? (obj as Stamped).#tracking : refused.get(obj);
  }
}

const refused = new WeakMap<object, TrackingRecord>();

/**
 * Tracks an object whose class you cannot (or would rather not) make a `Trackable`: a MobX store
 * (`track(this)` in its constructor), a library's object from outside (`track(series, { type:
 * 'Series' })`). It gets what a `Trackable` gets: a serial from the same counter, the global
 * tracker (unless its class has `static disableGlobalTracker = true`), a data bundle, and a
 * destroyed notification once it is garbage-collected. Its prototype and properties are not
 * touched. Read and change its serial, bundle and tracker with {@link getTrackerSerial},
 * {@link getDataBundle}, {@link setDataBundle}, {@link getTracker} and {@link setTracker}.
 *
 * Throws a TypeError for a primitive, an object already tracked, and a `Trackable` (which is
 * tracked from its construction).
 *
 * ```ts
 * class TodoStore {
 *   todos: string[] = [];
 *   constructor() {
 *     makeAutoObservable(this);
 *     track(this);
 *   }
 * }
 * ```
 *
 * @returns `obj`, for `return track(new Thing())`.
 */
export function track<T extends object>(obj: T, options?: TrackOptions): T {
  if ((typeof obj !== 'object' && typeof obj !== 'function') || obj === null) {
    throw new TypeError(`Trackables: track takes an object, not ${obj === null ? 'null' : typeof obj}.`);
  }
  if (Stamped.get(obj) !== undefined) {
    throw new TypeError('Trackables: this object is already tracked; an object is tracked once, for its whole life.');
  }
  if (isTrackableInstance(obj)) {
    throw new TypeError('Trackables: a Trackable is tracked from its construction; track() is for other objects.');
  }
  const type = options?.type === undefined ? classOf(obj) : namedType(options.type);
  startTracking(obj, type);
  return obj;
}

/**
 * Tracks `obj` as an instance of `type` (already checked to be trackable and untracked): for
 * `track` and the `@trackable` decorator.
 * @internal
 */
export function startTracking(obj: object, type: TrackedClass): void {
  const serial = nextSerial();
  let tracker = getGlobalTracker();
  if (tracker !== null && (type as { disableGlobalTracker?: unknown }).disableGlobalTracker === true) tracker = null;
  Stamped.add(obj, new TrackingRecord(serial, type, tracker));
  if (tracker !== null) {
    watchNew(obj, type, serial, tracker);
    notifyAttached(tracker, serial, type, undefined);
  }
}

/** Whether `obj` is tracked: by {@link track}, the `@trackable` decorator, or as a `Trackable`. */
export function isTracked(obj: unknown): boolean {
  if ((typeof obj !== 'object' && typeof obj !== 'function') || obj === null) return false;
  return Stamped.get(obj) !== undefined || isTrackableInstance(obj);
}

/** The serial number of a tracked object (see {@link track}) or a `Trackable`. */
export function getTrackerSerial(obj: object): number {
  const own = asTrackable(obj);
  return own !== undefined ? own.getTrackerSerial() : trackingOf(obj, 'getTrackerSerial').serial;
}

/** The data bundle of a tracked object or a `Trackable`: `undefined` until one is set. */
export function getDataBundle(obj: object): unknown {
  const own = asTrackable(obj);
  return own !== undefined ? own.getDataBundle() : trackingOf(obj, 'getDataBundle').bundle;
}

/**
 * Stores any value describing a tracked object (or a `Trackable`) and sends `notifyUpdated`. As
 * for `Trackable.setDataBundle`, the bundle must not refer back to the object: the object itself,
 * or a bundle with it as an own property value, throws a TypeError.
 */
export function setDataBundle(obj: object, bundle: unknown): void {
  const own = asTrackable(obj);
  if (own !== undefined) return own.setDataBundle(bundle);
  const tracking = trackingOf(obj, 'setDataBundle');
  assertBundle(obj, bundle);
  tracking.bundle = bundle;
  const tracker = tracking.tracker;
  if (tracker !== null) {
    bundleChanged(tracking.serial, bundle);
    notifyUpdated(tracker, tracking.serial, tracking.type, bundle);
  }
}

/** The tracker of a tracked object or a `Trackable`, or null. */
export function getTracker(obj: object): TrackerProtocol | null {
  const own = asTrackable(obj);
  return own !== undefined ? own.getTracker() : trackingOf(obj, 'getTracker').tracker;
}

/**
 * Gives a tracked object (or a `Trackable`) another tracker, or none. As for
 * `Trackable.setTracker`: an assigned tracker, even the same one, hears `notifyDetached` first,
 * then the new one, if any, `notifyAttached`.
 */
export function setTracker(obj: object, tracker: TrackerProtocol | null): void {
  const own = asTrackable(obj);
  if (own !== undefined) return own.setTracker(tracker);
  const tracking = trackingOf(obj, 'setTracker');
  assertTracker(tracker, 'setTracker');
  const { serial, type, bundle } = tracking;
  const previous = tracking.tracker;
  const wasWatched = previous !== null || isWatched(serial);
  if (previous !== null) notifyDetached(previous, serial, type, bundle);
  tracking.tracker = tracker;
  trackerChanged(obj, type, serial, wasWatched, tracker, bundle);
  if (tracker !== null) notifyAttached(tracker, serial, type, bundle);
}

/**
 * Says that the owner of a tracked object (or a `Trackable`) let go of it: a component unmounted,
 * a view was disposed, a connection closed. Its tracker hears `notifyReleased`; nothing else
 * changes (it stays live until it is garbage-collected). The panel then lists it as "released,
 * not collected" while it stays alive, and `expectNoLeaks` says so: a released object that lives
 * on is what a leak looks like. `useTrackable` calls this when its component unmounts.
 *
 * Never throws: an untracked object, a primitive, or an object without a tracker is ignored.
 *
 * ```ts
 * dispose() {
 *   this.#socket.close();
 *   release(this);
 * }
 * ```
 */
export function release(obj: unknown): void {
  try {
    if ((typeof obj !== 'object' && typeof obj !== 'function') || obj === null) return;
    const own = asTrackable(obj);
    if (own !== undefined) {
      const tracker = own.getTracker();
      if (tracker !== null) notifyReleased(tracker, own.getTrackerSerial(), own.constructor as TrackedClass, own.getDataBundle());
      return;
    }
    const tracking = Stamped.get(obj);
    if (tracking !== undefined && tracking.tracker !== null) notifyReleased(tracking.tracker, tracking.serial, tracking.type, tracking.bundle);
  } catch (error) {
    // A Trackable subclass whose overridden getters throw: reported, never thrown into the app.
    reportTrackerError(error);
  }
}

function asTrackable(obj: object): Trackable | undefined {
  return isTrackableInstance(obj) ? (obj as Trackable) : undefined;
}

function trackingOf(obj: unknown, what: string): TrackingRecord {
  const tracking = (typeof obj === 'object' || typeof obj === 'function') && obj !== null ? Stamped.get(obj) : undefined;
  if (tracking === undefined) {
    throw new TypeError(`Trackables: ${what} takes a tracked object (see track()) or a Trackable; this one is not tracked.`);
  }
  return tracking;
}

/** The object's class, read without running getters; a stand-in named `Object` when it has none. */
function classOf(obj: object): TrackedClass {
  try {
    const prototype: unknown = Reflect.getPrototypeOf(obj);
    if (prototype !== null && typeof prototype === 'object') {
      const constructor: unknown = Reflect.getOwnPropertyDescriptor(prototype, 'constructor')?.value;
      // Plain objects share the stand-in rather than leaving a cache on the built-in `Object`.
      if (typeof constructor === 'function' && constructor !== Object) return constructor as TrackedClass;
    }
  } catch {
    // A Proxy whose traps throw: reported under the stand-in below.
  }
  return namedType('Object');
}
