/**
 * A class whose instances are tracked: what trackers receive as `type`.
 * `trackingName`, when the class defines it as its own static, names the type in reports
 * (minifiers rename classes).
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
  /** The instance was garbage-collected; `bundle` is its last bundle. Sent once, from a later task. */
  notifyDestroyed?(serial: number, type: TrackedClass, bundle: unknown): void;
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

export function notifyDestroyed(t: TrackerProtocol, serial: number, type: TrackedClass, bundle: unknown): void {
  try { t.notifyDestroyed?.(serial, type, bundle); } catch (error) { reportTrackerError(error); }
}

/** Throws a TypeError unless `tracker` is null or an object that can receive notifications. */
export function assertTracker(tracker: unknown, what: string): asserts tracker is TrackerProtocol | null {
  if (tracker !== null && (typeof tracker !== 'object' && typeof tracker !== 'function')) {
    throw new TypeError(`Trackables: ${what} takes a tracker object or null, not ${typeof tracker}.`);
  }
}
