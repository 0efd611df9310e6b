/*
 * The set of announcers in a window (ANNOUNCE_KEY): every tracker posting into it, in whatever
 * copy of the agent, adds a function that posts its stream's hello and running totals. Readers
 * that start listening after the agent stopped waiting for one (it listens only until the first
 * relay answers) call them from the page's main world (ANNOUNCE_SCRIPT): the panel through
 * DevTools' inspectedWindow.eval, the Playwright helper through page.evaluate.
 *
 * Compatibility: every version of the agent keeps this key and its value, a Set of functions.
 */
import { ANNOUNCE_KEY } from '../protocol/wire.js';

const KEY = Symbol.for(ANNOUNCE_KEY);

/**
 * Adds `announce` to the window's set (registered on first use, non-enumerable) and returns what
 * removes it. A window that refuses the property, or holds something else under the key, gets
 * no announcer: readers then see only what the agent posts on its own. Never throws.
 */
export function addAnnouncer(window: object, announce: () => void): () => void {
  try {
    let set: unknown = (window as { [KEY]?: unknown })[KEY];
    if (set === undefined) {
      set = new Set();
      Object.defineProperty(window, KEY, { value: set, configurable: false, enumerable: false, writable: false });
    }
    // Duck-typed: a tracker posting into another frame's window made the set in its own realm.
    if (typeof (set as Set<unknown> | null)?.add !== 'function') return () => {};
    const announcers = set as Set<() => void>;
    announcers.add(announce);
    return () => announcers.delete(announce);
  } catch {
    return () => {};
  }
}
