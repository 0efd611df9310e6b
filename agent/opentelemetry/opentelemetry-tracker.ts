import {
  metrics,
  ValueType,
  type Attributes,
  type BatchObservableCallback,
  type Histogram,
  type MeterProvider,
  type ObservableCounter,
  type ObservableUpDownCounter,
} from '@opentelemetry/api';
import {
  notifyAttached,
  notifyDestroyed,
  notifyDetached,
  notifyUpdated,
  reportTrackerError,
  trackingNameOf,
  type TrackedClass,
  type TrackerProtocol,
} from '../tracker-protocol.js';
import { VERSION } from '../version.js';
import { BirthTimes } from './birth-times.js';

/** Options of {@link OpenTelemetryTracker}; every one has a default. */
export interface OpenTelemetryTrackerOptions {
  /** Where the instruments are created. Default: the global one (`metrics.getMeterProvider()`), read once, here. */
  meterProvider?: MeterProvider;
  /**
   * Another tracker that also receives every notification, first (a `PostMessageTracker` to
   * stream to DevTools at the same time, or a `Tracker`). Its errors are reported like any
   * tracker's and never reach the app.
   */
  forward?: TrackerProtocol;
  /**
   * Type names reported at most (default 200). Later types are counted together under the name
   * {@link OVERFLOW_TYPE}, so a program that makes classes at run time cannot flood the metrics
   * backend with series.
   */
  maxTypes?: number;
}

/** The `trackables.type` value that types beyond `maxTypes` are reported under. */
export const OVERFLOW_TYPE = '(overflow)';

/** The attribute naming the type on every data point. */
export const TYPE_ATTRIBUTE = 'trackables.type';

const DEFAULT_MAX_TYPES = 200;

/** Seconds: from a frame's objects to a long session's, the spread a leak hunt needs. */
const LIFETIME_BUCKETS = [0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200, 21600, 86400];

/** Counts under one type name (several classes may share one, and the overflow holds many). */
interface Counts {
  readonly attributes: Attributes;
  live: number;
  created: number;
  retired: number;
}

/**
 * Exports per-type instance counts and lifetimes as OpenTelemetry metrics, so production apps
 * (every tab, every server process) show in the observability stack they already run, which
 * aggregates them. Use it as the global tracker or for some objects, alone or in front of another:
 *
 * ```ts
 * import { setGlobalTracker, PostMessageTracker } from 'trackables';
 * import { OpenTelemetryTracker } from 'trackables/opentelemetry';
 *
 * // After the app registered its MeterProvider (the SDK and exporter are the app's choice):
 * setGlobalTracker(new OpenTelemetryTracker({ forward: new PostMessageTracker() }));
 * ```
 *
 * Instruments (meter `trackables`), each data point with the attribute `trackables.type`:
 * - `trackables.instance.count` (asynchronous up-down counter, `{instance}`): live instances.
 * - `trackables.instance.created` (asynchronous counter, `{instance}`): instances attached so far.
 * - `trackables.instance.retired` (asynchronous counter, `{instance}`): instances garbage-collected
 *   while attached. Detached instances leave the count without being retired.
 * - `trackables.instance.lifetime` (histogram, `s`): seconds from attachment to the destroyed
 *   notification, which comes after a full garbage collection; attachment times are kept within 5%
 *   of an instance's age (docs/opentelemetry.md).
 *
 * Cost: per event, integer increments on the type's counts; the counts are read when the
 * MeterProvider collects. Creation times cost no clock read and no memory per instance (a table
 * of at most 1,024 checkpoints, within 5% of an instance's age). Each destroyed notification records
 * one histogram value. Nothing here throws into the app.
 */
export class OpenTelemetryTracker implements TrackerProtocol {
  readonly #forward: TrackerProtocol | undefined;
  readonly #maxTypes: number;
  readonly #byType = new Map<TrackedClass, Counts>();
  readonly #byName = new Map<string, Counts>();
  readonly #births = new BirthTimes();
  readonly #lifetime: Histogram;
  readonly #observables: [ObservableUpDownCounter, ObservableCounter, ObservableCounter];
  readonly #observe: BatchObservableCallback;
  readonly #unobserve: () => void;
  // Events come in runs of one type; remembering the last one skips most Map lookups.
  #lastType: TrackedClass | null = null;
  #lastCounts: Counts | null = null;
  #disposed = false;

  constructor(options: OpenTelemetryTrackerOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('Trackables: OpenTelemetryTracker takes an options object.');
    }
    const { meterProvider, forward, maxTypes } = options;
    if (meterProvider !== undefined && typeof (meterProvider as Partial<MeterProvider> | null)?.getMeter !== 'function') {
      throw new TypeError('Trackables: OpenTelemetryTracker `meterProvider` must be a MeterProvider (with getMeter).');
    }
    if (forward !== undefined && ((typeof forward !== 'object' && typeof forward !== 'function') || forward === null)) {
      throw new TypeError('Trackables: OpenTelemetryTracker `forward` must be a tracker object.');
    }
    if (maxTypes !== undefined && !(Number.isInteger(maxTypes) && maxTypes >= 1)) {
      throw new TypeError(`Trackables: OpenTelemetryTracker \`maxTypes\` must be a whole number ≥ 1, not ${String(maxTypes)}.`);
    }
    this.#forward = forward;
    this.#maxTypes = maxTypes ?? DEFAULT_MAX_TYPES;

    const meter = (meterProvider ?? metrics.getMeterProvider()).getMeter('trackables', VERSION);
    const count = meter.createObservableUpDownCounter('trackables.instance.count', {
      description: 'Live instances of a tracked type: attached, and neither detached nor garbage-collected.',
      unit: '{instance}',
      valueType: ValueType.INT,
    });
    const created = meter.createObservableCounter('trackables.instance.created', {
      description: 'Instances of a tracked type attached to the tracker (created with it, or assigned it) so far.',
      unit: '{instance}',
      valueType: ValueType.INT,
    });
    const retired = meter.createObservableCounter('trackables.instance.retired', {
      description: 'Instances of a tracked type garbage-collected while attached to the tracker, so far.',
      unit: '{instance}',
      valueType: ValueType.INT,
    });
    this.#lifetime = meter.createHistogram('trackables.instance.lifetime', {
      description: 'Seconds from attachment to the garbage collection of an instance of a tracked type.',
      unit: 's',
      advice: { explicitBucketBoundaries: LIFETIME_BUCKETS },
    });
    this.#observables = [count, created, retired];
    this.#observe = (result) => {
      for (const counts of this.#byName.values()) {
        result.observe(count, counts.live, counts.attributes);
        result.observe(created, counts.created, counts.attributes);
        result.observe(retired, counts.retired, counts.attributes);
      }
    };
    meter.addBatchObservableCallback(this.#observe, this.#observables);
    this.#unobserve = () => meter.removeBatchObservableCallback(this.#observe, this.#observables);
  }

  #counts(type: TrackedClass): Counts {
    if (this.#lastType === type) return this.#lastCounts!;
    let counts = this.#byType.get(type);
    if (counts === undefined) {
      let name = trackingNameOf(type);
      counts = this.#byName.get(name);
      if (counts === undefined) {
        if (this.#byName.size >= this.#maxTypes) name = OVERFLOW_TYPE;
        counts = this.#byName.get(name);
        if (counts === undefined) {
          counts = { attributes: { [TYPE_ATTRIBUTE]: name }, live: 0, created: 0, retired: 0 };
          this.#byName.set(name, counts);
        }
      }
      this.#byType.set(type, counts);
    }
    this.#lastType = type;
    this.#lastCounts = counts;
    return counts;
  }

  notifyAttached(serial: number, type: TrackedClass, bundle: unknown): void {
    if (this.#forward !== undefined) notifyAttached(this.#forward, serial, type, bundle);
    if (this.#disposed) return;
    const counts = this.#counts(type);
    counts.live++;
    counts.created++;
    this.#births.note(serial);
  }

  notifyDetached(serial: number, type: TrackedClass, bundle: unknown): void {
    if (this.#forward !== undefined) notifyDetached(this.#forward, serial, type, bundle);
    if (this.#disposed) return;
    this.#counts(type).live--;
  }

  notifyUpdated(serial: number, type: TrackedClass, bundle: unknown): void {
    if (this.#forward !== undefined) notifyUpdated(this.#forward, serial, type, bundle);
  }

  notifyDestroyed(serial: number, type: TrackedClass, bundle: unknown): void {
    if (this.#forward !== undefined) notifyDestroyed(this.#forward, serial, type, bundle);
    if (this.#disposed) return;
    const counts = this.#counts(type);
    counts.live--;
    counts.retired++;
    this.#lifetime.record(this.#births.ageSeconds(serial), counts.attributes);
  }

  /**
   * Stops reporting: the MeterProvider no longer reads this tracker's counts (the SDK keeps
   * exporting the last values it has, as for any instrument). Notifications are still forwarded.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      this.#unobserve();
    } catch (error) {
      reportTrackerError(error);
    }
  }
}
