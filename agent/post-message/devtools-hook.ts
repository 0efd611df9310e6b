/*
 * The one global the agent defines in a page, for DevTools to reach instances (like React
 * DevTools' __REACT_DEVTOOLS_GLOBAL_HOOK__). The panel's "Reveal in Console" evaluates code in
 * the page (chrome.devtools.inspectedWindow.eval) that asks it for an instance by agent session
 * and serial: serials alone are ambiguous, as every copy of the agent in a page counts from 1.
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
  /** Adds an agent session; returns what removes it. */
  register(session: string, finder: Finder): () => void;
}

function createHook(): DevToolsHook {
  const finders = new Map<string, Finder>();
  return Object.freeze({
    v: 1 as const,
    find(session: unknown, serial: unknown, type: unknown): HookResult {
      if (typeof session !== 'string' || typeof type !== 'string' || !Number.isSafeInteger(serial) || (serial as number) < 1) {
        return { status: 'bad-request' };
      }
      const finder = finders.get(session);
      if (finder === undefined) return { status: 'unknown-session' };
      try {
        return finder(serial as number, type);
      } catch (error) {
        return { status: 'error', message: describe(error) };
      }
    },
    register(session: string, finder: Finder): () => void {
      finders.set(session, finder);
      return () => {
        if (finders.get(session) === finder) finders.delete(session);
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
