/*
 * The one global the agent defines in a page, for DevTools to reach instances (like React
 * DevTools' __REACT_DEVTOOLS_GLOBAL_HOOK__). The panel's "Reveal in Console" evaluates code in
 * the page (chrome.devtools.inspectedWindow.eval) that asks it for an instance by agent session
 * and serial. Every copy of the agent in a window registers under the window's one session
 * (window-session.ts); serials are unique across them (serials.ts), so `find` asks each.
 * docs/protocol.md describes its shape, which copies of the agent of any version share.
 */
import type { LookupResult } from '../instance-lookup.js';
import { DEVTOOLS_HOOK } from '../protocol/messages.js';

/** Finds an instance of one agent session: the `lookUpInstance` of that copy of the agent. */
export type Finder = (serial: number, type: string) => LookupResult;

/** What {@link DevToolsHook.find} answers. */
export type HookResult =
  | LookupResult
  /** No agent session with that id in this window: the page was reloaded, or the tracker disposed. */
  | { status: 'unknown-session' }
  /** The arguments were not (string, positive integer, string). */
  | { status: 'bad-request' }
  /** Looking up threw (a hostile `trackingName` getter, say); the message says what. */
  | { status: 'error'; message: string };

/** The hook's shape, version 1. */
export interface DevToolsHook {
  readonly v: 1;
  /** The live instance `serial`, of type `type` (its reported name), of agent session `session`. Never throws. */
  find(session: unknown, serial: unknown, type: unknown): HookResult;
  /** Adds a finder to an agent session (a session has one per tracker posting under it); returns what removes it. */
  register(session: string, finder: Finder): () => void;
}

/** Which answer wins when several finders of a session answer: the one that knows most. */
const RANK: Record<HookResult['status'], number> = { found: 4, collected: 3, error: 2, 'not-kept': 1, 'unknown-session': 0, 'bad-request': 0 };

function createHook(): DevToolsHook {
  const sessions = new Map<string, { finder: Finder }[]>();
  return Object.freeze({
    v: 1 as const,
    find(session: unknown, serial: unknown, type: unknown): HookResult {
      if (typeof session !== 'string' || typeof type !== 'string' || !Number.isSafeInteger(serial) || (serial as number) < 1) {
        return { status: 'bad-request' };
      }
      let best: HookResult = { status: 'unknown-session' };
      for (const { finder } of sessions.get(session) ?? []) {
        let result: HookResult;
        try {
          result = finder(serial as number, type);
        } catch (error) {
          result = { status: 'error', message: describe(error) };
        }
        if (result.status === 'found') return result;
        if (RANK[result.status] > RANK[best.status]) best = result;
      }
      return best;
    },
    register(session: string, finder: Finder): () => void {
      // An entry per call: two trackers of one copy register the same finder, and each removes its own.
      const entry = { finder };
      let entries = sessions.get(session);
      if (entries === undefined) sessions.set(session, (entries = []));
      entries.push(entry);
      return () => {
        const list = sessions.get(session);
        const index = list === undefined ? -1 : list.indexOf(entry);
        if (index < 0) return;
        list!.splice(index, 1);
        if (list!.length === 0) sessions.delete(session);
      };
    },
  });
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an unprintable error';
  }
}

function isHook(value: unknown): value is DevToolsHook {
  return typeof value === 'object' && value !== null && (value as DevToolsHook).v === 1 && typeof (value as DevToolsHook).register === 'function';
}

/**
 * Registers an agent session with the hook of `window` (its property DEVTOOLS_HOOK,
 * non-enumerable and read-only), installing the hook when the window has
 * none (another copy of the agent may have installed it). Returns what unregisters it, or null
 * when the page holds something else under the hook's name (left alone) or the window refuses the
 * property. Never throws.
 */
export function registerWithHook(window: object, session: string, finder: Finder): (() => void) | null {
  try {
    let hook: unknown = (window as Record<string, unknown>)[DEVTOOLS_HOOK];
    if (hook === undefined) {
      hook = createHook();
      Object.defineProperty(window, DEVTOOLS_HOOK, { value: hook, configurable: true, enumerable: false, writable: false });
    }
    if (!isHook(hook)) return null;
    const unregister: unknown = hook.register(session, finder);
    if (typeof unregister !== 'function') return null;
    return () => {
      try {
        unregister();
      } catch {
        // Another copy's hook, broken by the page: there is nothing left to undo.
      }
    };
  } catch {
    // A hostile getter or a frozen window: the page goes on without the hook.
    return null;
  }
}
