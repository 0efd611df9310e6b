/*
 * The safe form of a bundle, as it travels in a batch (JSON text) and as the panel shows it.
 *
 * A preview is plain JSON. Values JSON cannot carry, or that must not be walked, become
 * placeholder objects: `{ "\u0000": kind, "text": "readable description" }`, with extra fields
 * for some kinds. A user object key that starts with "\u0000" is sent with one more "\u0000" in
 * front, so a placeholder can never be forged by page data.
 */

export const PLACEHOLDER_KEY = '\u0000';

export type PlaceholderKind =
  | 'undefined'
  | 'number' // NaN, Infinity, -Infinity, -0
  | 'bigint'
  | 'symbol'
  | 'function'
  | 'cycle' // a reference back to an object already on the path from the root
  | 'depth' // deeper than the depth limit
  | 'truncated' // the size limit was reached: `omitted` entries were left out
  | 'string' // a long string cut to its first characters; `length` is the full length
  | 'dom' // a DOM node: `<div id="x" class="y">`, `#text`, `#document`
  | 'instance' // a class instance: `text` is its class name, `value` its own enumerable data
  | 'map' // `value`: an array of [key, value] pairs (limited)
  | 'set' // `value`: an array of values (limited)
  | 'date' // `text`: ISO time
  | 'regexp'
  | 'error' // `text`: "Name: message"
  | 'typed-array' // `text`: "Uint8Array(1024)"; `value`: the first elements
  | 'opaque' // WeakMap, WeakSet, WeakRef, Promise, ArrayBuffer…: nothing to show but the kind
  | 'trackable' // another Trackable: `text`: "Type #serial"
  | 'unreadable'; // a getter or Proxy trap threw, or a revoked Proxy: `text` says what happened

/**
 * The bundle text of an `updated` event that says "released" (docs/protocol.md, "Released"): the
 * instance's owner let go of it (a component unmounted, a view disposed), so it should be
 * collected soon. No count changes. A placeholder marker, so page data can never produce it
 * (escapeKey); readers that predate it show an unreadable bundle and count nothing.
 */
export const RELEASED_BUNDLE = JSON.stringify({ [PLACEHOLDER_KEY]: 'released' });

export interface Placeholder {
  [PLACEHOLDER_KEY]: PlaceholderKind;
  text: string;
  /** Full length of a cut string, or how many entries a truncated container had. */
  length?: number;
  omitted?: number;
  value?: Preview;
}

export type Preview = null | boolean | number | string | Preview[] | { [key: string]: Preview } | Placeholder;

export function isPlaceholder(value: unknown): value is Placeholder {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, PLACEHOLDER_KEY);
}

/** Escapes a user object key so it cannot be read as a placeholder marker. */
export function escapeKey(key: string): string {
  return key.startsWith(PLACEHOLDER_KEY) ? PLACEHOLDER_KEY + key : key;
}

/** Inverse of escapeKey, for keys of non-placeholder objects. */
export function unescapeKey(key: string): string {
  return key.startsWith(PLACEHOLDER_KEY) ? key.slice(1) : key;
}

/** Parses a bundle's JSON text from a batch; a broken text becomes an 'unreadable' placeholder. */
export function parseBundle(json: string): Preview {
  try {
    return JSON.parse(json) as Preview;
  } catch {
    return { [PLACEHOLDER_KEY]: 'unreadable', text: 'bundle text is not valid JSON' };
  }
}
