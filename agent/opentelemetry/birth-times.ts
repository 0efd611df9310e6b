import { clock, microtask } from '../post-message/host.js';

/** Checkpoints kept at most; thinning brings the table back to three quarters of this. */
const MAX_CHECKPOINTS = 1024;
/** How far off a thinned date may be, as a fraction of the instance's age at thinning. */
const RELATIVE_ERROR = 0.05;

/**
 * When instances were attached, dated without a clock read or an entry per instance.
 *
 * Serials grow with time (one counter per realm), so a table of (serial, time) checkpoints dates
 * every serial: the first attachment of each task adds one, later ones in the same task cost one
 * comparison. An instance is dated by the last checkpoint at or before its serial; one attached
 * long after its creation (a tracker assigned later) is dated from the checkpoint before it, or
 * from this table's first checkpoint if it is older than that. When the table is full, old
 * checkpoints are thinned so that a date is off by at most 5% of the instance's age; the table
 * never holds more than 1,024 checkpoints (16 KB), whatever the number of live instances.
 */
export class BirthTimes {
  readonly #serials: number[] = [];
  readonly #times: number[] = [];
  #stamped = false;
  #now = 0;
  #nowValid = false;
  readonly #endStamp = (): void => {
    this.#stamped = false;
  };
  readonly #endNow = (): void => {
    this.#nowValid = false;
  };

  /** Notes an attachment (called on every one). */
  note(serial: number): void {
    if (this.#stamped) return;
    const last = this.#serials.length - 1;
    // An older serial (re-attached instance) is already dated by the table; no clock read.
    if (last >= 0 && serial <= this.#serials[last]!) return;
    this.#stamped = true;
    microtask(this.#endStamp);
    if (last + 1 >= MAX_CHECKPOINTS) this.#thin();
    this.#serials.push(serial);
    this.#times.push(clock());
  }

  /** Seconds since the instance with `serial` was attached; one clock read per task. */
  ageSeconds(serial: number): number {
    if (!this.#nowValid) {
      this.#now = clock();
      this.#nowValid = true;
      microtask(this.#endNow);
    }
    const born = this.#bornAt(serial);
    return born === undefined ? 0 : Math.max(0, (this.#now - born) / 1000);
  }

  /** Checkpoints held, for tests. */
  get size(): number {
    return this.#serials.length;
  }

  #bornAt(serial: number): number | undefined {
    const serials = this.#serials;
    if (serials.length === 0) return undefined;
    // Last checkpoint with a serial ≤ `serial`; before the first one, the first one.
    let low = 0;
    let high = serials.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (serials[middle]! <= serial) low = middle;
      else high = middle - 1;
    }
    return this.#times[low];
  }

  /**
   * Drops checkpoint i when the serials it dates can take the previous kept checkpoint's time
   * within the allowed error: their true time is before checkpoint i+1's, their age after it.
   * The first and last checkpoints stay; the error allowed doubles until the table shrank enough
   * (bounded: checkpoints as young as the clock's resolution cannot be thinned by any error).
   */
  #thin(): void {
    const now = clock();
    const serials = this.#serials;
    const times = this.#times;
    for (let error = RELATIVE_ERROR, round = 0; serials.length > (MAX_CHECKPOINTS * 3) / 4 && round < 64; error *= 2, round++) {
      let kept = 1;
      for (let i = 1; i < serials.length - 1; i++) {
        const next = times[i + 1]!;
        if (next - times[kept - 1]! > error * (now - next)) {
          serials[kept] = serials[i]!;
          times[kept] = times[i]!;
          kept++;
        }
      }
      serials[kept] = serials[serials.length - 1]!;
      times[kept] = times[times.length - 1]!;
      serials.length = kept + 1;
      times.length = kept + 1;
    }
  }
}
