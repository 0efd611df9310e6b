import { DIGIT_BASE, LAST_DIGIT, MORE_DIGIT, OP_STRIDE, REPEAT } from './wire.js';

// Local copies: the hot loop below reads them on every character, and an imported binding is
// read through its module's cell with a check each time.
const DIGITS = DIGIT_BASE;
const LAST = LAST_DIGIT;
const MORE = MORE_DIGIT;
const LAST_END = LAST_DIGIT + DIGITS;
const MORE_END = MORE_DIGIT + DIGITS;

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
  // The previous event's steps and the values its bundle takes, which a REPEAT replays.
  let step = 0;
  let time = 0;
  let width = 0;
  while (at < length) {
    let value = 0;
    let c = ops.charCodeAt(at++);
    const repeat = c === REPEAT && field === 0;
    if (repeat) {
      if (seen === 0) return 'a repeat before any event';
      c = ops.charCodeAt(at++);
    }
    for (; c >= MORE && c < MORE_END; c = ops.charCodeAt(at++)) {
      value = value * DIGITS + (c - MORE);
      if (value > Number.MAX_SAFE_INTEGER / DIGITS) return `number too large at character ${at - 1}`;
    }
    if (!(c >= LAST && c < LAST_END)) return at > length ? 'ends inside a number' : `unexpected character at ${at - 1}`;
    value = value * DIGITS + (c - LAST);
    if (repeat) {
      // Checked as a whole, never replayed one by one: a count may ask for far more than a batch holds.
      if (value < 1) return `event ${seen}: a repeat of no events`;
      if (seen + value > events) return `more events than the ${events} announced`;
      seen += value;
      serial += value * step;
      if (serial < 1 || !Number.isSafeInteger(serial)) return `event ${seen - 1}: serial out of range`;
      offset += value * time;
      if (!Number.isSafeInteger(offset)) return `event ${seen - 1}: time out of range`;
      taken += value * width;
      if (taken > values && width > 0) return `event ${seen - 1}: its bundle takes values past the ${values} sent`;
      continue;
    }
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
      width = widths !== undefined && value > 0 ? widths[value - 1]! : 0;
      taken += width;
      if (taken > values && width > 0) return `event ${seen}: its bundle takes values past the ${values} sent`;
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
}
