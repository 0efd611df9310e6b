import { DIGIT_BASE, LAST_DIGIT, MAX_REPEAT_PERIOD, MORE_DIGIT, OP_STRIDE, REPEAT } from './wire.js';

// Local copies: the hot loop below reads them on every character, and an imported binding is
// read through its module's cell with a check each time.
const DIGITS = DIGIT_BASE;
const LAST = LAST_DIGIT;
const MORE = MORE_DIGIT;
const LAST_END = LAST_DIGIT + DIGITS;
const MORE_END = MORE_DIGIT + DIGITS;
const PERIODS = MAX_REPEAT_PERIOD;

/**
 * Decodes `ops` without keeping anything (see AgentBatch for the encoding): one tight loop over
 * the characters, comparisons inlined, since a batch may hold 100,000 events. A repeat is checked
 * in one step, whatever its count.
 */
export function opsProblem(
  ops: string,
  events: number,
  strings: number,
  shapes?: { widths: readonly number[]; values: number },
): string | null {
  const widths = shapes?.widths;
  const values = shapes?.values ?? 0;
  let taken = 0;
  const length = ops.length;
  let at = 0;
  let field = 0;
  let seen = 0;
  let serial = 0;
  let back = false;
  let offset = 0;
  // The event being read, and the last MAX_REPEAT_PERIOD events' [signed serial step, time
  // step, values taken] in slot `index & (PERIODS - 1)`: what a REPEAT copies.
  let step = 0;
  let time = 0;
  // Kept only when the batch holds a repeat, as decode.ts does.
  const recent = ops.indexOf('!') < 0 ? null : new Float64Array(3 * PERIODS);
  while (at < length) {
    let value = 0;
    let c = ops.charCodeAt(at++);
    if (c === REPEAT && field === 0) {
      // Two numbers: the period, then the count.
      const numbers = [0, 0];
      for (let n = 0; n < 2; n++) {
        let number = 0;
        for (c = ops.charCodeAt(at++); c >= MORE && c < MORE_END; c = ops.charCodeAt(at++)) {
          number = number * DIGITS + (c - MORE);
          if (number > Number.MAX_SAFE_INTEGER / DIGITS) return `number too large at character ${at - 1}`;
        }
        if (!(c >= LAST && c < LAST_END)) return at > length ? 'ends inside a repeat' : `unexpected character at ${at - 1}`;
        numbers[n] = number * DIGITS + (c - LAST);
      }
      const problem = repeatProblem(numbers[0]!, numbers[1]!);
      if (problem !== null) return `event ${seen}: ${problem}`;
      continue;
    }
    for (; c >= MORE && c < MORE_END; c = ops.charCodeAt(at++)) {
      value = value * DIGITS + (c - MORE);
      if (value > Number.MAX_SAFE_INTEGER / DIGITS) return `number too large at character ${at - 1}`;
    }
    if (!(c >= LAST && c < LAST_END)) return at > length ? 'ends inside a number' : `unexpected character at ${at - 1}`;
    value = value * DIGITS + (c - LAST);
    if (field === 0) {
      if (value >= strings * 8) return `event ${seen}: no type name at that index`;
      back = value % 8 >= 4;
    } else if (field === 1) {
      step = back ? -value : value;
      serial += step;
      if (serial < 1 || !Number.isSafeInteger(serial)) return `event ${seen}: serial out of range`;
    } else if (field === 2) {
      time = value;
      offset += value;
      if (!Number.isSafeInteger(offset)) return `event ${seen}: time out of range`;
    } else if (value > strings) {
      return `event ${seen}: no bundle text at that index`;
    } else {
      const width = widths !== undefined && value > 0 ? widths[value - 1]! : 0;
      taken += width;
      if (width > 0 && taken > values) return `event ${seen}: its bundle takes values past the ${values} sent`;
      if (recent !== null) {
        const to = (seen & (PERIODS - 1)) * 3;
        recent[to] = step;
        recent[to + 1] = time;
        recent[to + 2] = width;
      }
    }
    if (++field === OP_STRIDE) {
      field = 0;
      if (++seen > events) return `more events than the ${events} announced`;
    }
  }
  if (field !== 0) return 'ends inside an event';
  if (seen !== events) return `${seen} events where ${events} were announced`;
  if (shapes !== undefined && taken !== values) return `the bundles take ${taken} values where ${values} were sent`;
  return null;

  /**
   * Checks a repeat of `count` events copying the `period` events before them, in one step
   * whatever its count (a count may ask for far more than a batch holds): the serials it walks
   * through stay in range, so do the times and the values its bundles take. Then moves on past it.
   */
  function repeatProblem(period: number, count: number): string | null {
    // Kept, since the batch holds this repeat.
    const kept = recent!;
    if (period < 1 || period > PERIODS) return `a repeat's period must be 1 to ${PERIODS}`;
    if (period > seen) return 'a repeat of more events than came before it';
    if (count < 1) return 'a repeat of no events';
    if (seen + count > events) return `more events than the ${events} announced`;
    // The unit copied, its sums, and its lowest and highest prefix sums of serial steps, whole
    // and over the `rest` events of the last, partial unit.
    const full = Math.floor(count / period);
    const rest = count % period;
    const steps: number[] = [];
    const times: number[] = [];
    const widthsTaken: number[] = [];
    let unitStep = 0;
    let unitTime = 0;
    let unitWidth = 0;
    let low = Infinity;
    let high = -Infinity;
    let restStep = 0;
    let restTime = 0;
    let restWidth = 0;
    let restLow = Infinity;
    let restHigh = -Infinity;
    for (let j = 0; j < period; j++) {
      const from = ((seen - period + j) & (PERIODS - 1)) * 3;
      steps.push(kept[from]!);
      times.push(kept[from + 1]!);
      widthsTaken.push(kept[from + 2]!);
      unitStep += kept[from]!;
      unitTime += kept[from + 1]!;
      unitWidth += kept[from + 2]!;
      low = Math.min(low, unitStep);
      high = Math.max(high, unitStep);
      if (j < rest) {
        [restStep, restTime, restWidth] = [unitStep, unitTime, unitWidth];
        restLow = low;
        restHigh = high;
      }
    }
    // The serials walk linearly from unit to unit: the extremes are in the first or the last
    // whole unit, or in the part of a unit after them.
    let lowest = Infinity;
    let highest = -Infinity;
    if (full >= 1) {
      lowest = Math.min(serial + low, serial + (full - 1) * unitStep + low);
      highest = Math.max(serial + high, serial + (full - 1) * unitStep + high);
    }
    if (rest >= 1) {
      lowest = Math.min(lowest, serial + full * unitStep + restLow);
      highest = Math.max(highest, serial + full * unitStep + restHigh);
    }
    const last = seen + count - 1;
    if (lowest < 1 || !(highest <= Number.MAX_SAFE_INTEGER)) return `serial out of range by event ${last}`;
    serial += full * unitStep + restStep;
    offset += full * unitTime + restTime;
    if (!Number.isSafeInteger(offset)) return `time out of range by event ${last}`;
    taken += full * unitWidth + restWidth;
    if (unitWidth > 0 && taken > values) return `its bundles take values past the ${values} sent by event ${last}`;
    // The last events are copies of the unit, in its order.
    for (let e = Math.max(seen, seen + count - PERIODS); e <= last; e++) {
      const j = (e - seen) % period;
      const to = (e & (PERIODS - 1)) * 3;
      kept[to] = steps[j]!;
      kept[to + 1] = times[j]!;
      kept[to + 2] = widthsTaken[j]!;
    }
    seen += count;
    return null;
  }
}
