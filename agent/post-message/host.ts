/*
 * The little of the page's global scope that PostMessageTracker uses, typed by hand: the agent
 * is built without DOM typings and also runs where there is no window (Node, workers).
 */

/** A message event as the tracker reads it. */
export interface MessageEventLike {
  source: unknown;
  data: unknown;
}

export type MessageListener = (event: MessageEventLike) => void;

/** Where PostMessageTracker posts and listens: the page's `window`, or a stand-in in tests. */
export interface PostMessageTarget {
  postMessage(message: unknown, targetOrigin: string): void;
  /** `message` (the relay's ready), and ANNOUNCE_EVENT (a reader asks for totals). */
  addEventListener(type: string, listener: MessageListener): void;
  removeEventListener(type: string, listener: MessageListener): void;
}

interface Host {
  window?: unknown;
  postMessage?: unknown;
  addEventListener?: unknown;
  removeEventListener?: unknown;
  location?: { href?: unknown; origin?: unknown };
  performance?: { timeOrigin: number; now(): number };
  crypto?: { randomUUID?: () => string };
  queueMicrotask?: (callback: () => void) => void;
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

const host = globalThis as unknown as Host;

/**
 * The page's window when the agent runs in one, else null. A worker's `postMessage` (which
 * talks to its parent and takes a transfer list) and Node have no window to post into.
 */
export function defaultTarget(): PostMessageTarget | null {
  try {
    if (
      host.window === globalThis &&
      typeof host.postMessage === 'function' &&
      typeof host.addEventListener === 'function' &&
      typeof host.removeEventListener === 'function'
    ) {
      return globalThis as unknown as PostMessageTarget;
    }
  } catch {
    // A page that made these properties throw gets no streaming, not an error.
  }
  return null;
}

/**
 * The page's own origin, so messages are delivered only while the window still shows this
 * origin; "*" where the origin is opaque ("null": file:, sandboxed frames), which
 * window.postMessage accepts no other way. The messages carry nothing the page did not
 * already have: counts, type names and the app's own bundles.
 */
export function pageOrigin(): string {
  try {
    const origin = host.location?.origin;
    return typeof origin === 'string' && origin !== 'null' && origin !== '' ? origin : '*';
  } catch {
    return '*';
  }
}

/** The page's URL, or "" where there is none. */
export function pageUrl(): string {
  try {
    const href = host.location?.href;
    return typeof href === 'string' ? href : '';
  } catch {
    return '';
  }
}

const perf = host.performance;
const timeOrigin = perf === undefined ? 0 : perf.timeOrigin;

/** Epoch milliseconds with sub-millisecond precision, monotonic within the page. */
export function clock(): number {
  return perf === undefined ? Date.now() : timeOrigin + perf.now();
}

/** A random id for a session or a frame (36 characters at most). */
export function randomId(): string {
  try {
    const uuid = host.crypto?.randomUUID?.();
    if (typeof uuid === 'string' && uuid !== '') return uuid;
  } catch {
    // randomUUID exists only in secure contexts; fall through.
  }
  return `${Math.random().toString(36).slice(2, 14)}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 14)}`;
}

/** Runs `callback` after the current task's synchronous code, before the next task. */
export function microtask(callback: () => void): void {
  if (typeof host.queueMicrotask === 'function') host.queueMicrotask(callback);
  else void Promise.resolve().then(callback);
}

/** A one-shot timer; undefined where there are no timers. */
export function startTimer(callback: () => void, ms: number): unknown {
  return typeof host.setTimeout === 'function' ? host.setTimeout(callback, ms) : undefined;
}

export function stopTimer(handle: unknown): void {
  if (handle !== undefined && typeof host.clearTimeout === 'function') host.clearTimeout(handle);
}
