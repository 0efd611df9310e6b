/**
 * Serial numbers, unique per realm across every copy of the agent in it.
 *
 * A page may run several copies of this module (micro-frontends, a library and an app each
 * bundling trackables, two versions side by side). They share one counter object, registered on
 * the global under a `Symbol.for` key, so two copies never give the same serial. The object is
 * looked up once per copy, at load; a construction then costs one property increment.
 *
 * Compatibility: every version of the agent must keep this key and the `{ last: number }` shape.
 */
interface SerialCounter {
  last: number;
}

const COUNTER_KEY = Symbol.for('trackables.serials');

function sharedCounter(): SerialCounter {
  const global = globalThis as { [COUNTER_KEY]?: unknown };
  const found = global[COUNTER_KEY];
  if (typeof found === 'object' && found !== null && typeof (found as SerialCounter).last === 'number') {
    return found as SerialCounter;
  }
  const counter: SerialCounter = { last: 0 };
  try {
    Object.defineProperty(globalThis, COUNTER_KEY, { value: counter, configurable: false, enumerable: false, writable: false });
  } catch {
    // A frozen global: this copy counts alone; serials stay unique within it.
  }
  return counter;
}

const counter = sharedCounter();

/** The next serial: greater than every serial given before in this realm, by any copy. */
export function nextSerial(): number {
  return ++counter.last;
}

/** The serial given last (0 before the first instance): later instances have greater ones. */
export function lastSerialGiven(): number {
  return counter.last;
}
