/**
 * Trackables: know which of your own objects are alive, how many, for how long, and what they
 * carry. The core runs anywhere JavaScript has FinalizationRegistry (browsers, Node ≥ 20).
 * @packageDocumentation
 */
export {
  Trackable,
  trackableMixin,
  setGlobalTracker,
  getGlobalTracker,
  type SavedState,
  type TrackableClass,
  type TrackableStatics,
} from './trackable.js';
export {
  track,
  isTracked,
  getTrackerSerial,
  getDataBundle,
  setDataBundle,
  getTracker,
  setTracker,
  release,
  type TrackOptions,
} from './track.js';
export { trackable, type TrackableDecoratorOptions } from './decorator.js';
export { trackingNameOf, namedType, type TrackedClass, type TrackerProtocol } from './tracker-protocol.js';
export { Tracker, type TrackedType, type TrackedTypeSnapshot } from './tracker.js';
export { setInstanceLookup, findInstance } from './instance-lookup.js';
export { VERSION, version } from './version.js';
export {
  PostMessageTracker,
  type PostMessageTrackerOptions,
  type PostMessageTrackerStats,
  type PostMessageTarget,
  type MessageEventLike,
  type MessageListener,
} from './post-message/post-message-tracker.js';
export { toBundleJson, type BundleLimits } from './post-message/sanitize.js';
