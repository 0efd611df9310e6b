import { DIGIT_BASE, LAST_DIGIT, MORE_DIGIT, OP_STRIDE } from './wire.js';

// Local copies: the hot loop below reads them on every character, and an imported binding is
// read through its module's cell with a check each time.
const DIGITS = DIGIT_BASE;
const LAST = LAST_DIGIT;
const MORE = MORE_DIGIT;
const LAST_END = LAST_DIGIT + DIGITS;
const MORE_END = MORE_DIGIT + DIGITS;

/**
 * Decodes `ops` without keeping anything (see AgentBatch for the encoding): one tight loop over
 * the characters, comparisons inlined, since a batch may hold 100,000 events and the content
 * script runs this on the page's main thread.
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
  while (at < length) {
    let value = 0;
    let c = ops.charCodeAt(at++);
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
      serial += back ? -value : value;
      if (serial < 1 || !Number.isSafeInteger(serial)) return `event ${seen}: serial out of range`;
    } else if (field === 2) {
      offset += value;
      if (!Number.isSafeInteger(offset)) return `event ${seen}: time out of range`;
    } else if (value > strings) {
      return `event ${seen}: no bundle text at that index`;
    } else if (widths !== undefined && value > 0) {
      taken += widths[value - 1]!;
      if (taken > values) return `event ${seen}: its bundle takes values past the ${values} sent`;
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
