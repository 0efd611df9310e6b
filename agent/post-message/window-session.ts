/*
 * The session id of a page load, shared by every PostMessageTracker that posts into one window:
 * copies of the agent (micro-frontends, a library and an app each bundling trackables, two
 * versions side by side) then report as one session, each copy its own stream (`frame` id), so
 * the panel and the Playwright helper count them together and tell their events apart.
 *
 * Compatibility: every version of the agent must keep this key and its value, a string id.
 */
import { MAX_ID_LENGTH } from '../protocol/messages.js';
import { randomId } from './host.js';

const SESSION_KEY = Symbol.for('trackables.session');

/**
 * The session id registered on `window` (a non-enumerable, read-only property under a
 * `Symbol.for` key), registering a new random one when there is none. A window that refuses the
 * property, or holds something that is not an id under the key, gets a session of this call's own.
 * Never throws.
 */
export function windowSession(window: object): string {
  try {
    const found: unknown = (window as { [SESSION_KEY]?: unknown })[SESSION_KEY];
    if (typeof found === 'string' && found.length > 0 && found.length <= MAX_ID_LENGTH) return found;
    const session = randomId();
    if (found === undefined) Object.defineProperty(window, SESSION_KEY, { value: session, configurable: false, enumerable: false, writable: false });
    return session;
  } catch {
    // A frozen window or a hostile getter: this tracker is a session of its own.
    return randomId();
  }
}
