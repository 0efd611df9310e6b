/** Most points a session's chart keeps per type; older points are thinned to stay under it. */
export const MAX_POINTS = 2_000;

/**
 * Live count per type over time for one session, laid out the way uPlot draws it: one shared
 * x array (epoch seconds) and one y array per type, all the same length.
 *
 * Bounded: points are buckets `interval` seconds wide. The last point is the open bucket and is
 * overwritten until the bucket is full, so it always shows the latest counts. When MAX_POINTS is
 * reached every other point is dropped (keeping each pair's later one, so the last value stays)
 * and the bucket width doubles, so a long session costs the same as a short one.
 */
export class LiveSeries {
  readonly times: number[] = [];
  readonly #values = new Map<string, number[]>();
  #interval = 0;

  /** The y array of each type, in the order types first appeared. */
  get values(): ReadonlyMap<string, readonly number[]> {
    return this.#values;
  }

  /** Records every type's live count at `timeMs`; `live` must list every type seen so far. */
  sample(timeMs: number, live: ReadonlyMap<string, { live: number }>): void {
    const times = this.times;
    const time = timeMs / 1000;
    const length = times.length;
    // Batches from several frames interleave: never let time run backwards on the x axis.
    const at = length > 0 ? Math.max(time, times[length - 1]!) : time;
    const overwrite = length >= 2 && at - times[length - 2]! < this.#interval;
    const index = overwrite ? length - 1 : length;
    times[index] = at;
    for (const [type, row] of live) {
      let ys = this.#values.get(type);
      if (ys === undefined) {
        // Before its first event a type had no live instances.
        ys = new Array<number>(length).fill(0);
        this.#values.set(type, ys);
      }
      ys[index] = row.live;
    }
    if (times.length > MAX_POINTS) this.#thin();
  }

  #thin(): void {
    const keep = (array: number[]): void => {
      // Keep odd indices counted from the end, so the newest point always survives.
      const start = (array.length - 1) % 2;
      let to = 0;
      for (let from = start; from < array.length; from += 2) array[to++] = array[from]!;
      array.length = to;
    };
    keep(this.times);
    for (const ys of this.#values.values()) keep(ys);
    const span = this.times[this.times.length - 1]! - this.times[0]!;
    this.#interval = Math.max(this.#interval * 2, span / (MAX_POINTS / 2));
  }
}
