/*
 * The safe form of a bundle, as it travels in a batch (JSON text) and as the panel shows it.
 *
 * A preview is plain JSON. Values JSON cannot carry, or that must not be walked, become
 * placeholder objects: `{ "\u0000": kind, "text": "readable description" }`, with extra fields
 * for some kinds. A user object key that starts with "\u0000" is sent with one more "\u0000" in
 * front, so a placeholder can never be forged by page data.
 */

import { MAX_SHAPE_ARRAY_LENGTH, MAX_SHAPE_KEYS } from './wire.js';

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
  | 'unreadable' // a getter or Proxy trap threw, or a revoked Proxy: `text` says what happened
  | 'shape'; // not a bundle: the keys of bundles sent as values (see shapeText); shown only by readers that predate it

/**
 * The bundle text of an `updated` event that says "released" (docs/protocol.md, "Released"): the
 * instance's owner let go of it (a component unmounted, a view disposed), so it should be
 * collected soon. No count changes. A placeholder marker, so page data can never produce it
 * (escapeKey); readers that predate it show an unreadable bundle and count nothing.
 */
export const RELEASED_BUNDLE = JSON.stringify({ [PLACEHOLDER_KEY]: 'released' });

/**
 * A bundle sent as values (docs/protocol.md, "Bundles as values"): a plain object's keys travel
 * once per batch, as this placeholder's `keys` (escaped), in `strings` where a bundle text would
 * be; each event whose bundle index points at it takes its values from the batch's `values`, one
 * per key, or, for a key whose `lengths` entry is a number, that many: the elements of the array
 * it holds. `lengths` is written only when a key holds such an array, and only for readers whose
 * ready lists READS_ARRAY_VALUES. A reader that predates shapes shows this placeholder, which says
 * what it is.
 */
export function shapeText(escapedKeys: readonly string[], lengths?: readonly (number | null)[]): string {
  return JSON.stringify(
    lengths === undefined
      ? { [PLACEHOLDER_KEY]: 'shape', text: SHAPE_NOTE, keys: escapedKeys }
      : { [PLACEHOLDER_KEY]: 'shape', text: SHAPE_NOTE, keys: escapedKeys, lengths },
  );
}

/** A shape as a reader reads it: the keys (escaped, as sent) and, when any key holds an array sent as values, each key's length (null: one value). */
export interface ParsedShape {
  keys: string[];
  lengths: (number | null)[] | undefined;
}

const SHAPE_NOTE = 'a bundle in a newer format: update the Trackables extension to see it';
const SHAPE_PREFIX = JSON.stringify({ [PLACEHOLDER_KEY]: 'shape' }).slice(0, -1);

/**
 * One value of `AgentBatch.values`: a JSON primitive as it is (finite numbers only), or, for what
 * needs a preview (nested objects and arrays, cut strings, placeholders), VALUE_TEXT followed by
 * that preview's JSON text. A page string that starts with VALUE_TEXT is sent as a text too (its
 * JSON text after the mark), so no page string is ever read as a preview.
 */
export type BundleValue = null | boolean | number | string;

export const VALUE_TEXT = PLACEHOLDER_KEY;

/** Where bundles sent as values are appended (an array will do): `length` is settable, to drop what was appended last. */
export interface BundleValueSink {
  length: number;
  push(value: BundleValue): void;
}

/** Whether a page string must travel as a text: it starts with the mark. */
export function isMarked(text: string): boolean {
  return text.startsWith(VALUE_TEXT);
}

/** The shape a string of a batch stands for, or undefined when it is not one (or a malformed one). */
export function parseShape(text: string): ParsedShape | undefined {
  if (!text.startsWith(SHAPE_PREFIX)) return undefined;
  try {
    const { keys, lengths } = JSON.parse(text) as { keys?: unknown; lengths?: unknown };
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_SHAPE_KEYS || !keys.every((key) => typeof key === 'string')) return undefined;
    if (lengths === undefined) return { keys: keys as string[], lengths: undefined };
    if (!Array.isArray(lengths) || lengths.length !== keys.length || !lengths.every(isShapeLength)) return undefined;
    return { keys: keys as string[], lengths: lengths as (number | null)[] };
  } catch {
    return undefined;
  }
}

function isShapeLength(length: unknown): boolean {
  return length === null || (Number.isInteger(length) && (length as number) >= 0 && (length as number) <= MAX_SHAPE_ARRAY_LENGTH);
}

/** How many values an event whose bundle is `shape` takes. */
export function shapeWidth(shape: ParsedShape): number {
  if (shape.lengths === undefined) return shape.keys.length;
  let width = 0;
  for (const length of shape.lengths) width += length ?? 1;
  return width;
}

/**
 * For each of a batch's strings, how many values an event whose bundle is that string takes (a
 * shape's width); 0 for anything else.
 */
export function shapeWidths(strings: readonly string[]): number[] {
  return strings.map((text) => {
    const shape = parseShape(text);
    return shape === undefined ? 0 : shapeWidth(shape);
  });
}

/** What is wrong with the elements of `AgentBatch.values`, or null: each must be a BundleValue. */
export function valuesProblem(values: readonly unknown[]): string | null {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const type = typeof value;
    if (type === 'string' || type === 'boolean' || value === null || (type === 'number' && Number.isFinite(value))) continue;
    return `value ${i} is not a string, a finite number, a boolean or null`;
  }
  return null;
}

/** The JSON text of one value of `AgentBatch.values`, as it stands in its bundle's text. */
export function bundleValueText(value: BundleValue | undefined): string {
  switch (typeof value) {
    case 'string':
      return value.startsWith(VALUE_TEXT) ? value.slice(1) : jsonString(value);
    case 'number':
      // As JSON.stringify writes it (a non-finite number, never sent, is `null`).
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return 'null';
  }
}

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

/** Strings this short are checked here for characters JSON escapes; longer ones go to JSON.stringify. */
const SHORT_STRING = 32;

/**
 * `JSON.stringify(text)`. A bundle's strings are mostly short and plain (names, ids, states), and
 * for those JSON.stringify's own setup costs more than the check: a short string without a
 * character JSON escapes (controls, quote, backslash, any surrogate) is quoted as it is.
 */
export function jsonString(text: string): string {
  if (text.length > SHORT_STRING) return JSON.stringify(text);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/** Parses a bundle's JSON text from a batch; a broken text becomes an 'unreadable' placeholder. */
export function parseBundle(json: string): Preview {
  try {
    return JSON.parse(json) as Preview;
  } catch {
    return { [PLACEHOLDER_KEY]: 'unreadable', text: 'bundle text is not valid JSON' };
  }
}
