import type { TrackedClass, TrackerProtocol } from './tracker-protocol.js';

/**
 * The name of the record's serial method. A heap inspector with no help from the page
 * (trackables/playwright's `whyAlive`) finds records by this own property of their prototype, as
 * it finds `Trackable` instances by `getTrackerSerial`: minifiers keep property names.
 * @internal
 */
export const RECORD_SERIAL_METHOD = 'trackedObjectSerial';

/**
 * What tracking one object with `track()` or `@trackable` takes, stamped on the object. Never
 * refers to the object, so it is collected with it. A class rather than a literal only so that
 * its prototype carries {@link RECORD_SERIAL_METHOD}; the inspector then takes the record's
 * holder as the tracked object.
 * @internal
 */
export class TrackingRecord {
  tracker: TrackerProtocol | null;
  bundle: unknown = undefined;

  constructor(
    readonly serial: number,
    readonly type: TrackedClass,
    tracker: TrackerProtocol | null,
  ) {
    this.tracker = tracker;
  }

  [RECORD_SERIAL_METHOD](): number {
    return this.serial;
  }
}
