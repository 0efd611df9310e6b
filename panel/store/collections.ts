/** Collections remembered per session; the oldest is forgotten first. */
export const MAX_COLLECTIONS = 100;
/** Collections the leak ranking looks at. */
export const SUSPECT_WINDOW = 10;

/**
 * Live count per type right after each garbage collection. A collection is a batch with
 * destroyed events: those only follow a GC, so counts sampled then leave out what was merely
 * unreachable, and a count that rises from one collection to the next is memory that survived.
 */
export class CollectionSeries {
  /** Epoch ms of each collection's first destroyed event, oldest first. */
  readonly times: number[] = [];
  readonly #values = new Map<string, number[]>();
  /** Attaches seen when the newest collection was sampled. */
  #attachesThen = -1;

  /** Each type's live counts, aligned with `times` (0 before a type first appeared). */
  get values(): ReadonlyMap<string, readonly number[]> {
    return this.#values;
  }

  /**
   * A batch with destroyed events (the first at `time`) was applied, `attaches` attaches into the
   * session. With no attach since the previous collection it is the same collection: one GC's
   * finalizers can span several batches, and event times cannot tell (a batch's events share
   * clock readings). Two GCs with nothing created between them cannot show growth, so merging
   * them loses nothing.
   */
  collected(time: number, attaches: number, live: ReadonlyMap<string, { live: number }>): void {
    const times = this.times;
    const merge = attaches === this.#attachesThen;
    const index = merge ? times.length - 1 : times.length;
    if (!merge) times.push(time);
    this.#attachesThen = attaches;
    for (const [type, row] of live) {
      let counts = this.#values.get(type);
      if (counts === undefined) {
        counts = new Array<number>(index).fill(0);
        this.#values.set(type, counts);
      }
      counts[index] = row.live;
    }
    if (times.length > MAX_COLLECTIONS) {
      times.shift();
      for (const counts of this.#values.values()) counts.shift();
    }
  }
}

export interface LeakSuspect {
  type: string;
  /** Live counts at the last SUSPECT_WINDOW collections, oldest first. */
  counts: number[];
  /** Collections in a row, ending with the latest, after which the count was higher than before. */
  rises: number;
  /** Latest count minus the window's first. */
  growth: number;
}

/**
 * Types ranked by how steadily their live count grew across collections: the longest run of
 * rises up to now first (a leak grows every time), then the largest growth, then by name.
 */
export function leakSuspects(series: CollectionSeries, window = SUSPECT_WINDOW): LeakSuspect[] {
  const suspects: LeakSuspect[] = [];
  for (const [type, all] of series.values) {
    const counts = all.slice(-window);
    let rises = 0;
    for (let i = counts.length - 1; i > 0 && counts[i]! > counts[i - 1]!; i--) rises++;
    suspects.push({ type, counts, rises, growth: counts[counts.length - 1]! - counts[0]! });
  }
  return suspects.sort((a, b) => b.rises - a.rises || b.growth - a.growth || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}
