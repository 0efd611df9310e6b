/**
 * A class whose instances are tracked: what trackers receive as `type`, and what they key types
 * by (identity). `trackingName`, when the class defines it as its own static, names the type in
 * reports (minifiers rename classes). Objects tracked by name (`track(obj, { type: 'Series' })`)
 * come with the stand-in class {@link namedType} returns for that name.
 */
export interface TrackedClass {
  readonly name: string;
  readonly prototype: object;
  readonly trackingName?: string;
}

/**
 * What a tracker may implement (pytracker's TrackerMixin). Every method is optional: a missing
 * one is skipped. A method that throws never reaches the app: the error goes to
 * `globalThis.reportError` (else `console.error`) and the operation completes.
 *
 * `serial` is the instance's serial number, `type` its class, `bundle` its data bundle
 * (`undefined` when none was set).
 */
export interface TrackerProtocol {
  /** The instance was created with this tracker, or this tracker was assigned to it. */
  notifyAttached?(serial: number, type: TrackedClass, bundle: unknown): void;
  /** The instance is about to be given another tracker (or none). */
  notifyDetached?(serial: number, type: TrackedClass, bundle: unknown): void;
  /** The instance's data bundle was set. */
  notifyUpdated?(serial: number, type: TrackedClass, bundle: unknown): void;
  /**
   * The instance's owner let go of it (a component unmounted, a view disposed: see `release`), so
   * it should be collected soon. It is still live until `notifyDestroyed`; a tracker that does
   * not count releases can leave this out.
   */
  notifyReleased?(serial: number, type: TrackedClass, bundle: unknown): void;
  /** The instance was garbage-collected; `bundle` is its last bundle. Sent once, from a later task. */
  notifyDestroyed?(serial: number, type: TrackedClass, bundle: unknown): void;
}

const namedTypes = new Map<string, TrackedClass>();

/**
 * The type trackers receive for objects tracked under `name`: one stand-in class per name (so
 * trackers keep keying types by identity, and `setInstanceLookup` and `setObjectTracking` take it
 * like any class), with `name` as its `trackingName`. Never construct it.
 *
 * ```ts
 * track(series, { type: 'Series' });
 * tracker.get(namedType('Series'))?.allocated; // 1
 * ```
 */
export function namedType(name: string): TrackedClass {
  if (typeof name !== 'string' || name === '') throw new TypeError('Trackables: a type name is a non-empty string.');
  let type = namedTypes.get(name);
  if (type === undefined) {
    // Computed key: the class gets `name` as its own name too, for stack traces and debuggers.
    type = { [name]: class {} }[name]!;
    Object.defineProperty(type, 'trackingName', { value: name });
    namedTypes.set(name, type);
  }
  return type;
}

/** The name a type is reported under: its own static `trackingName`, else its class name. */
export function trackingNameOf(type: TrackedClass): string {
  if (Object.hasOwn(type, 'trackingName') && typeof type.trackingName === 'string') return type.trackingName;
  return type.name || '(anonymous)';
}

/** Sends a tracker's error where uncaught errors go, without ever throwing itself. */
export function reportTrackerError(error: unknown): void {
  try {
    // Typed by hand: the core is built without DOM or Node typings.
    const host = globalThis as { reportError?: (error: unknown) => void; console?: { error(...data: unknown[]): void } };
    if (typeof host.reportError === 'function') host.reportError(error);
    else host.console?.error('Trackables: a tracker threw; the app was not interrupted.', error);
  } catch {
    // Reporting is best effort: nothing may escape into the app.
  }
}

// One function per event keeps each call site monomorphic on the method name (a hot path at
// construction); `?.` skips missing methods, a non-function throws and is reported.

export function notifyAttached(t: TrackerProtocol, serial: number, type: TrackedClass, bundle: unknown): void {
  try { t.notifyAttached?.(serial, type, bundle); } catch (error) { reportTrackerError(error); }
}

export function notifyDetached(t: TrackerProtocol, serial: number, type: TrackedClass, bundle: unknown): void {
  try { t.notifyDetached?.(serial, type, bundle); } catch (error) { reportTrackerError(error); }
}

export function notifyUpdated(t: TrackerProtocol, serial: number, type: TrackedClass, bundle: unknown): void {
  try { t.notifyUpdated?.(serial, type, bundle); } catch (error) { reportTrackerError(error); }
}

export function notifyReleased(t: TrackerProtocol, serial: number, type: TrackedClass, bundle: unknown): void {
  try { t.notifyReleased?.(serial, type, bundle); } catch (error) { reportTrackerError(error); }
}

export function notifyDestroyed(t: TrackerProtocol, serial: number, type: TrackedClass, bundle: unknown): void {
  try { t.notifyDestroyed?.(serial, type, bundle); } catch (error) { reportTrackerError(error); }
}

/** Throws a TypeError unless `tracker` is null or an object that can receive notifications. */
export function assertTracker(tracker: unknown, what: string): asserts tracker is TrackerProtocol | null {
  if (tracker !== null && (typeof tracker !== 'object' && typeof tracker !== 'function')) {
    throw new TypeError(`Trackables: ${what} takes a tracker object or null, not ${typeof tracker}.`);
  }
}
