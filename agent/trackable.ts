import { nextSerial } from './serials.js';
import { bundleChanged, isWatched, trackerChanged, watchNew } from './lifetimes.js';
import {
  assertTracker,
  notifyAttached,
  notifyDetached,
  notifyUpdated,
  type TrackedClass,
  type TrackerProtocol,
} from './tracker-protocol.js';

let globalTracker: TrackerProtocol | null = null;

/**
 * Sets the tracker that new instances get (existing instances keep theirs). `null` turns
 * tracking of new instances off; they then cost about as much as plain objects.
 */
export function setGlobalTracker(tracker: TrackerProtocol | null): void {
  assertTracker(tracker, 'setGlobalTracker');
  globalTracker = tracker;
}

/** The tracker new instances get, or null. */
export function getGlobalTracker(): TrackerProtocol | null {
  return globalTracker;
}

/** What {@link Trackable.getState} returns: the instance's own data and its bundle. */
export interface SavedState {
  state: object;
  bundle: unknown;
}

/** The methods every trackable instance has (pytracker's Trackable). */
export interface Trackable {
  /** The unique serial number given at construction: 1, 2, 3… across all trackable classes. */
  getTrackerSerial(): number;
  /** The current tracker, or null. */
  getTracker(): TrackerProtocol | null;
  /**
   * Gives the instance another tracker (or none). A tracker that was assigned, even the same
   * one, gets `notifyDetached` first; then the new one, if any, gets `notifyAttached`.
   */
  setTracker(tracker: TrackerProtocol | null): void;
  /** The data bundle, `undefined` until one is set. */
  getDataBundle(): unknown;
  /**
   * Stores any value describing the instance and sends `notifyUpdated`. The tracker keeps the
   * bundle until the instance is collected, so a bundle must not refer back to the instance:
   * the instance itself, or a bundle with the instance as an own property value, throws a
   * TypeError. A reference nested deeper (`{ a: { owner: this } }`, a Map holding it, a closure)
   * is not detected and keeps the instance alive for as long as it is tracked.
   */
  setDataBundle(bundle: unknown): void;
  /** Copying and serializing (pytracker's pickle state): own enumerable data and the bundle. */
  getState(): SavedState;
  /** Restores what {@link Trackable.getState} returned; the bundle through `setDataBundle`. */
  setState(saved: SavedState): void;
  /** A new instance of the same class, made with `fromState(getState())`: a shallow copy. */
  clone(): this;
}

/** The statics of a trackable class. */
export interface TrackableStatics {
  /** When true on a class or a superclass, new instances start without the global tracker. */
  disableGlobalTracker?: boolean;
  /** The type's name in reports, when it is the class's own static (minifiers rename classes). */
  trackingName?: string;
  /**
   * A new instance of the class it is called on, made without running the class's own
   * constructor: a new serial, the global tracker attached, then `setState(saved)`.
   */
  fromState<T extends Trackable>(this: abstract new (...args: any[]) => T, saved: SavedState): T;
}

// The mixin pattern needs `any[]` constructor arguments.
type Constructor = new (...args: any[]) => object;

/** A class `Base` made trackable by {@link trackableMixin}. */
export type TrackableClass<TBase extends Constructor> = (new (...args: any[]) => Trackable) & TrackableStatics & TBase;

/**
 * Throws a TypeError when `bundle` is `owner` or holds it as an own property value: the tracker
 * keeps the bundle until `owner` is collected, so `owner` would never be.
 */
export function assertBundle(owner: object, bundle: unknown): void {
  if (bundle === owner) {
    throw new TypeError(
      'Trackables: a data bundle cannot be the object itself: the tracker keeps the bundle until ' +
        'the object is collected, so the object would never be collected.',
    );
  }
  if ((typeof bundle !== 'object' && typeof bundle !== 'function') || bundle === null) return;
  const key = ownKeyHolding(bundle, owner);
  if (key !== undefined) {
    throw new TypeError(
      `Trackables: the data bundle's property ${String(key)} is the object itself: the tracker ` +
        'keeps the bundle until the object is collected, so the object would never be collected.',
    );
  }
}

/** The own property of `bundle` whose value is `target`, read without running getters. */
function ownKeyHolding(bundle: object, target: object): PropertyKey | undefined {
  try {
    if (Array.isArray(bundle)) {
      // Large arrays: compare elements directly rather than building a key per index.
      const index = bundle.indexOf(target);
      return index === -1 ? undefined : index;
    }
    for (const key of Reflect.ownKeys(bundle)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(bundle, key);
      if (descriptor !== undefined && descriptor.value === target) return key;
    }
  } catch {
    // A revoked or hostile Proxy cannot be looked into; it is accepted as it is.
  }
  return undefined;
}

/**
 * Makes a trackable class out of `Base`, for classes that already extend something (`Map`,
 * `EventTarget`, `HTMLElement`, a framework's base class). The result behaves like
 * {@link Trackable}.
 *
 * ```ts
 * class Channel extends trackableMixin(EventTarget) {}
 * ```
 */
export function trackableMixin<TBase extends Constructor>(Base: TBase): TrackableClass<TBase> {
  return makeTrackable(Base, `Trackable${Base.name}`);
}

function makeTrackable<TBase extends Constructor>(Base: TBase, name: string): TrackableClass<TBase> {
  class Tracked extends Base implements Trackable {
    #serial: number;
    #tracker: TrackerProtocol | null;
    #bundle: unknown;

    constructor(...args: any[]) {
      super(...args);
      const serial = nextSerial();
      this.#serial = serial;
      this.#bundle = undefined;
      let tracker = globalTracker;
      if (tracker !== null && (new.target as TrackableStatics).disableGlobalTracker === true) tracker = null;
      this.#tracker = tracker;
      if (tracker !== null) {
        watchNew(this, new.target, serial, tracker);
        notifyAttached(tracker, serial, new.target, undefined);
      }
    }

    static fromState<T extends Trackable>(this: abstract new (...args: any[]) => T, saved: SavedState): T {
      // Constructing Tracked on behalf of `this` runs Base's constructor (so built-ins get their
      // internal slots) and ours, but not the subclass's.
      const instance = Reflect.construct(Tracked, [], this) as T;
      instance.setState(saved);
      return instance;
    }

    getTrackerSerial(): number {
      return this.#serial;
    }

    getTracker(): TrackerProtocol | null {
      return this.#tracker;
    }

    setTracker(tracker: TrackerProtocol | null): void {
      assertTracker(tracker, 'setTracker');
      const serial = this.#serial;
      const type = this.constructor as TrackedClass;
      const previous = this.#tracker;
      const bundle = this.#bundle;
      const wasWatched = previous !== null || isWatched(serial);
      if (previous !== null) notifyDetached(previous, serial, type, bundle);
      this.#tracker = tracker;
      trackerChanged(this, type, serial, wasWatched, tracker, bundle);
      if (tracker !== null) notifyAttached(tracker, serial, type, bundle);
    }

    getDataBundle(): unknown {
      return this.#bundle;
    }

    setDataBundle(bundle: unknown): void {
      assertBundle(this, bundle);
      this.#bundle = bundle;
      const tracker = this.#tracker;
      if (tracker !== null) {
        bundleChanged(this.#serial, bundle);
        notifyUpdated(tracker, this.#serial, this.constructor as TrackedClass, bundle);
      }
    }

    getState(): SavedState {
      return { state: Object.assign({}, this), bundle: this.#bundle };
    }

    setState(saved: SavedState): void {
      if (saved === null || typeof saved !== 'object' || saved.state === null || typeof saved.state !== 'object') {
        throw new TypeError('Trackables: setState takes { state, bundle } as returned by getState().');
      }
      assertBundle(this, saved.bundle);
      Object.assign(this, saved.state);
      this.setDataBundle(saved.bundle);
    }

    clone(): this {
      const type = this.constructor as unknown as TrackableStatics & (abstract new (...args: any[]) => this);
      return type.fromState(this.getState());
    }
  }
  Object.defineProperty(Tracked, 'name', { value: name });
  Object.defineProperty(Tracked.prototype, TRACKABLE, { value: true });
  return Tracked as unknown as TrackableClass<TBase>;
}

/** Marks the prototypes of trackable classes, so `track` can refuse their instances. */
const TRACKABLE = Symbol('trackables.trackable');

/** Whether `value` is an instance of a trackable class (a `Trackable` subclass or a mixin's). */
export function isTrackableInstance(value: object): boolean {
  try {
    return TRACKABLE in value;
  } catch {
    // A revoked Proxy: not one of ours.
    return false;
  }
}

class TrackableRoot {}

/**
 * The superclass of objects worth watching. Every instance gets a serial number, an optional
 * data bundle and a tracker (the global tracker unless the class sets
 * `static disableGlobalTracker = true`), which hears when it is attached, detached, updated and
 * garbage-collected.
 *
 * ```ts
 * setGlobalTracker(new Tracker());
 * class Session extends Trackable {}
 * ```
 */
export const Trackable = makeTrackable(TrackableRoot, 'Trackable');
