import { Op } from './protocol/wire.js';
import { countEvent, type TypeCounts } from './protocol/type-counts.js';
import { trackingNameOf, type TrackedClass, type TrackerProtocol } from './tracker-protocol.js';

/** What a {@link Tracker} knows of one type (pytracker's TrackedType). */
export interface TrackedType {
  readonly type: TrackedClass;
  /** The type's name in reports (its own static `trackingName`, else the class name). */
  readonly name: string;
  /** Live instances: attached and neither detached nor destroyed. */
  readonly allocated: number;
  /** Retired instances: destroyed (garbage-collected) while attached to this tracker. */
  readonly deallocated: number;
  /** With object tracking on: live instances by serial, with their bundles; else null. */
  readonly objects: ReadonlyMap<number, unknown> | null;
}

/** Plain data for one type, as {@link Tracker.snapshot} returns it. */
export interface TrackedTypeSnapshot {
  name: string;
  allocated: number;
  deallocated: number;
  /** Live instances in serial order, present when object tracking is on for the type. */
  objects?: { serial: number; bundle: unknown }[];
}

/** A type's counts under the protocol's names, read through pytracker's (`allocated` is live). */
class Entry implements TypeCounts, TrackedType {
  live = 0;
  created = 0;
  retired = 0;
  objects: Map<number, unknown> | null = null;

  constructor(
    readonly type: TrackedClass,
    readonly name: string,
  ) {}

  get allocated(): number {
    return this.live;
  }

  get deallocated(): number {
    return this.retired;
  }
}

/**
 * Counts allocated (live) and retired instances per type, and with
 * {@link Tracker.setObjectTracking} lists live ones by serial (pytracker's Tracker).
 *
 * ```ts
 * const tracker = new Tracker();
 * setGlobalTracker(tracker);
 * console.log(tracker.dump());
 * ```
 */
export class Tracker implements TrackerProtocol {
  readonly #entries = new Map<TrackedClass, Entry>();
  // Events come in runs of one type; remembering the last entry skips most Map lookups.
  #lastEntry: Entry | null = null;
  #previousDump: Map<TrackedClass, { allocated: number; deallocated: number }> | null = null;

  #entry(type: TrackedClass): Entry {
    const last = this.#lastEntry;
    if (last !== null && last.type === type) return last;
    let entry = this.#entries.get(type);
    if (entry === undefined) {
      entry = new Entry(type, trackingNameOf(type));
      this.#entries.set(type, entry);
    }
    this.#lastEntry = entry;
    return entry;
  }

  notifyAttached(serial: number, type: TrackedClass, bundle: unknown): void {
    const entry = this.#entry(type);
    countEvent(entry, Op.attached);
    entry.objects?.set(serial, bundle);
  }

  notifyDetached(serial: number, type: TrackedClass): void {
    const entry = this.#entry(type);
    countEvent(entry, Op.detached);
    entry.objects?.delete(serial);
  }

  notifyUpdated(serial: number, type: TrackedClass, bundle: unknown): void {
    this.#entry(type).objects?.set(serial, bundle);
  }

  notifyDestroyed(serial: number, type: TrackedClass): void {
    const entry = this.#entry(type);
    countEvent(entry, Op.destroyed);
    entry.objects?.delete(serial);
  }

  /**
   * Turns listing of live instances of `type` on or off. Only instances attached, or whose
   * bundle is set, from now on are listed; turning it off forgets the list. The list holds
   * serials and bundles, not instances: for the panel's "Reveal in Console", turn object
   * tracking on through the `PostMessageTracker`, which calls this on its `forward` tracker too.
   */
  setObjectTracking(type: TrackedClass, enable = true): void {
    const entry = this.#entry(type);
    if (!enable) entry.objects = null;
    else if (entry.objects === null) entry.objects = new Map();
  }

  /** Forgets the listed instances of `type`, keeping object tracking on if it was. */
  resetObjectTracking(type: TrackedClass): void {
    const entry = this.#entry(type);
    if (entry.objects !== null) entry.objects = new Map();
  }

  /** The entry for a type, or for the first type reported under that name. */
  get(typeOrName: TrackedClass | string): TrackedType | undefined {
    if (typeof typeOrName !== 'string') return this.#entries.get(typeOrName);
    for (const entry of this.#entries.values()) if (entry.name === typeOrName) return entry;
    return undefined;
  }

  /** Every type's counts as plain data, sorted by name. */
  snapshot(): { types: TrackedTypeSnapshot[] } {
    return {
      types: this.#sorted().map((entry) => {
        const type: TrackedTypeSnapshot = { name: entry.name, allocated: entry.allocated, deallocated: entry.deallocated };
        if (entry.objects !== null) type.objects = liveObjects(entry.objects);
        return type;
      }),
    };
  }

  /**
   * The table pytracker prints, sorted by name, with changes since the previous `dump()`:
   *
   * ```text
   * Session                                  allocated: 2 (+1)       retired: 1 (+1)
   *    obj#12       bundle:'user 7'
   * ```
   */
  dump(): string {
    const previous = this.#previousDump;
    const lines: string[] = [];
    for (const entry of this.#sorted()) {
      const before = previous?.get(entry.type);
      const allocated = withChange(entry.allocated, before?.allocated);
      const retired = withChange(entry.deallocated, before?.deallocated);
      lines.push(`${entry.name.padEnd(40)} allocated: ${allocated.padEnd(12)} retired: ${retired}`);
      if (entry.objects !== null) {
        for (const { serial, bundle } of liveObjects(entry.objects)) {
          lines.push(`   obj#${String(serial).padEnd(8)} bundle:'${formatBundle(bundle)}'`);
        }
      }
    }
    this.#previousDump = new Map(
      [...this.#entries].map(([type, entry]) => [type, { allocated: entry.allocated, deallocated: entry.deallocated }]),
    );
    return lines.join('\n');
  }

  #sorted(): Entry[] {
    return [...this.#entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

function liveObjects(objects: ReadonlyMap<number, unknown>): { serial: number; bundle: unknown }[] {
  return [...objects].sort((a, b) => a[0] - b[0]).map(([serial, bundle]) => ({ serial, bundle }));
}

function withChange(current: number, previous: number | undefined): string {
  if (previous === undefined || previous === current) return String(current);
  const change = current - previous;
  return `${current} (${change > 0 ? '+' : ''}${change})`;
}

/** A bundle as one line of text; never throws (bundles may be hostile). */
export function formatBundle(bundle: unknown): string {
  if (!bundle) return '';
  if (typeof bundle === 'string') return bundle;
  try {
    const seen = new WeakSet<object>();
    const text = JSON.stringify(bundle, (_key, value: unknown) => {
      if (typeof value === 'bigint') return `${value}n`;
      if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
      if (typeof value === 'symbol') return value.toString();
      if (typeof value === 'object' && value !== null) {
        if (seen.has(value)) return '[cycle]';
        seen.add(value);
      }
      return value;
    });
    return text ?? String(bundle);
  } catch {
    try {
      return String(bundle);
    } catch {
      return '[unprintable bundle]';
    }
  }
}
