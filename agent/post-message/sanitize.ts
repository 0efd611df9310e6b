import { escapeKey, isMarked, jsonString, VALUE_TEXT, shapeText, type BundleValue, type BundleValueSink, type PlaceholderKind } from '../protocol/bundle-preview.js';
import { MAX_SHAPE_KEYS } from '../protocol/wire.js';
import { trackingNameOf, type TrackedClass } from '../tracker-protocol.js';

/** Bounds on the preview of one bundle; every one keeps the work per bundle small and fixed. */
export interface BundleLimits {
  /** Containers nested deeper than this become 'depth' placeholders (the bundle itself is level 0). Default 8. */
  maxDepth?: number;
  /** Values emitted in total; past it, containers end with 'truncated'. Default 1,000. */
  maxNodes?: number;
  /** Longer strings (and keys, and placeholder texts) are cut to this many characters. Default 1,000. */
  maxStringLength?: number;
  /** Entries shown per array, object, Map, Set or typed array. Default 100. */
  maxEntries?: number;
  /** Characters of text (strings and keys) in total; past it, containers end with 'truncated'. Default 20,000. */
  maxChars?: number;
}

type Limits = { [K in keyof BundleLimits]-?: number };

const DEFAULT_LIMITS: Limits = { maxDepth: 8, maxNodes: 1_000, maxStringLength: 1_000, maxEntries: 100, maxChars: 20_000 };

/**
 * The JSON text of the preview of `value` (see protocol/bundle-preview.ts), or undefined when
 * `value` is undefined (no bundle).
 *
 * What is read, and what is not: own enumerable string-keyed data properties, through property
 * descriptors, so getters are never invoked (an accessor shows as an 'unreadable' placeholder
 * saying so); array elements, Map and Set entries, typed array elements up to `maxEntries`;
 * the class name from the prototype chain's `constructor`. Built-ins are recognized by their
 * prototype and confirmed with the built-in's own methods, so a page's overrides are not run.
 * Exceptions: a DOM node is recognized by reading `nodeType` and `nodeName` (native getters on
 * real nodes), and an object whose prototype chain has a `getTrackerSerial` method is shown as
 * a Trackable by calling it (as is a type's static `trackingName`). Anything that throws
 * (revoked Proxy, a trap that throws) becomes an 'unreadable' placeholder.
 *
 * Never throws. Work is bounded by the limits whatever the input: a 10 MB string is cut before
 * it is copied, a 10,000-level nesting is walked `maxDepth` levels deep.
 *
 * An object that is cut (more entries than the limits allow) becomes a 'truncated' placeholder
 * whose `value` is the kept part; an array, Map, Set or typed array keeps its form and ends
 * with a 'truncated' placeholder element. `omitted` counts the entries left out.
 */
export function toBundleJson(value: unknown, limits?: BundleLimits): string | undefined {
  if (value === undefined) return undefined;
  // Primitives need no walk, and are most bundles of a page that sets them per change.
  if (typeof value === 'string' && value.length <= (limits?.maxStringLength ?? DEFAULT_LIMITS.maxStringLength)) return stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  const walk = walkFor(limits);
  walk.start();
  try {
    return flat(walk.preview(value, 0));
  } catch {
    // Out of stack in a hostile trap, or anything else unforeseen: the bundle is still reported.
    return placeholder('unreadable', 'the bundle could not be read');
  } finally {
    walk.end();
  }
}

/**
 * The preview of `value` as values (docs/protocol.md, "Bundles as values"): when `value` is a
 * plain object whose preview `toBundleJson` would not cut at the top level, appends one
 * BundleValue per key to `values` and returns the shape text an event carries for it; else
 * appends nothing and returns undefined (the caller sends `toBundleJson`'s text).
 *
 * With `arrayValues` (the reader's ready lists READS_ARRAY_VALUES), a field holding a short array
 * of such primitives sends its elements as values too, and the shape says its length.
 *
 * The preview is the same, read the same way, within the same limits: a reader rebuilds
 * `toBundleJson(value)` exactly from the shape and the values. What it saves is on the page's
 * thread: primitives travel as they are, with no JSON text built, flattened and cloned per bundle.
 * Never throws.
 */
export function toBundleValues(value: unknown, values: BundleValueSink, limits?: BundleLimits, arrayValues = false): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const from = values.length;
  const walk = walkFor(limits);
  walk.start();
  try {
    const shape = walk.values(value, values, arrayValues);
    if (shape === undefined) values.length = from;
    return shape;
  } catch {
    values.length = from;
    return undefined;
  } finally {
    walk.end();
  }
}

/**
 * `text` made one flat string. A preview is built by concatenation, which in V8 leaves a tree of
 * pieces; the batch keeps it until it is posted and postMessage's clone walks it. Flattening
 * once, while the pieces are young, leaves one string to keep and to copy: a small bundle's
 * preview plus its clone cost ~15% less (docs/BENCHMARKS.md). Reading a character is what makes
 * V8 flatten; other engines lose nothing.
 */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

/**
 * The walk for a preview: the default one is reused (a bundle is previewed per event, often a few
 * µs of work in all); given limits, or a preview started from inside another (a Proxy trap that
 * sets a bundle), get their own.
 */
function walkFor(limits: BundleLimits | undefined): Walk {
  if (limits === undefined && !sharedWalk.busy) return sharedWalk;
  return new Walk(limits === undefined ? DEFAULT_LIMITS : { ...DEFAULT_LIMITS, ...definedOnly(limits) });
}

function definedOnly(limits: BundleLimits): BundleLimits {
  const result: BundleLimits = {};
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof BundleLimits)[]) {
    const limit = limits[key];
    if (typeof limit === 'number' && limit >= 0) result[key] = Math.floor(limit);
  }
  return result;
}

// The page can replace globals and prototype methods after the agent loads, so the built-ins
// used to look into values are taken once, now.
const { getPrototypeOf, getOwnPropertyDescriptor, hasOwn, keys: objectKeys } = Object;
const { isArray } = Array;
const stringify = JSON.stringify;
const apply = Reflect.apply;

function call(fn: Function, self: unknown, ...args: unknown[]): any {
  return apply(fn, self, args);
}

/** `Object.prototype.__lookupGetter__` called on a value, bound now: the generic `call` costs an arguments array per element. */
const lookUpGetter = Function.prototype.call.bind((Object.prototype as unknown as { __lookupGetter__: Function }).__lookupGetter__) as (
  target: object,
  key: PropertyKey,
) => Function | undefined;

/**
 * Whether a value travels in AgentBatch.values as it is: a JSON primitive its preview keeps
 * whole (a finite number but -0, a string within the limit that starts with no mark).
 */
function asIs(value: unknown, maxStringLength: number): value is BundleValue {
  switch (typeof value) {
    case 'string':
      return value.length <= maxStringLength && !isMarked(value);
    case 'number':
      return numberText(value) === undefined;
    case 'boolean':
      return true;
    default:
      return value === null;
  }
}

/** elementOf's answer when only the element's descriptor can tell what it is. */
const DESCRIBE = Symbol('describe');

/**
 * Element `i` of an array, read without asking for its descriptor where that is safe: an own
 * property with no getter, whose value is not undefined. V8 makes an element's descriptor in its
 * runtime, at about three times the cost of these two checks and the read (docs/BENCHMARKS.md);
 * named properties have a fast descriptor path and keep it. DESCRIBE for holes, accessors and
 * undefined: the descriptor says which. As with descriptors, a getter is never invoked (a Proxy's
 * traps may run, as they do for its descriptors).
 */
function elementOf(array: unknown[], i: number): unknown {
  if (!hasOwn(array, i) || lookUpGetter(array, i) !== undefined) return DESCRIBE;
  const value = array[i];
  return value === undefined ? DESCRIBE : value;
}

function getterOf(target: object, key: PropertyKey): Function {
  return getOwnPropertyDescriptor(target, key)!.get!;
}

const OBJECT_PROTOTYPE = Object.prototype;
const TYPED_ARRAY_PROTOTYPE = getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayTag = getterOf(TYPED_ARRAY_PROTOTYPE, Symbol.toStringTag);
const typedArrayLength = getterOf(TYPED_ARRAY_PROTOTYPE, 'length');
const mapSize = getterOf(Map.prototype, 'size');
const mapEntries = Map.prototype.entries;
const mapIteratorNext = (getPrototypeOf(new Map().entries()) as Iterator<unknown>).next;
const setSize = getterOf(Set.prototype, 'size');
const setValues = Set.prototype.values;
const setIteratorNext = (getPrototypeOf(new Set().values()) as Iterator<unknown>).next;
const dateGetTime = Date.prototype.getTime;
const dateToISOString = Date.prototype.toISOString;
const regExpSource = getterOf(RegExp.prototype, 'source');
const regExpFlags = getterOf(RegExp.prototype, 'flags');
const arrayBufferByteLength = getterOf(ArrayBuffer.prototype, 'byteLength');
const dataViewByteLength = getterOf(DataView.prototype, 'byteLength');
const weakMapHas = WeakMap.prototype.has;
const weakSetHas = WeakSet.prototype.has;
const weakRefDeref = WeakRef.prototype.deref;
const symbolDescription = getterOf(Symbol.prototype, 'description');
const bigintToString = BigInt.prototype.toString;

type Builtin = 'map' | 'set' | 'date' | 'regexp' | 'error' | 'typed-array' | 'array-buffer' | 'data-view' | 'weak-map' | 'weak-set' | 'weak-ref' | 'promise';

const BUILTINS = new Map<object, Builtin>([
  [Map.prototype, 'map'],
  [Set.prototype, 'set'],
  [Date.prototype, 'date'],
  [RegExp.prototype, 'regexp'],
  [Error.prototype, 'error'],
  [TYPED_ARRAY_PROTOTYPE, 'typed-array'],
  [ArrayBuffer.prototype, 'array-buffer'],
  [DataView.prototype, 'data-view'],
  [WeakMap.prototype, 'weak-map'],
  [WeakSet.prototype, 'weak-set'],
  [WeakRef.prototype, 'weak-ref'],
  [Promise.prototype, 'promise'],
]);
// Absent where cross-origin isolation is off.
const SharedArrayBufferType = (globalThis as { SharedArrayBuffer?: SharedArrayBufferConstructor }).SharedArrayBuffer;
if (SharedArrayBufferType !== undefined) BUILTINS.set(SharedArrayBufferType.prototype, 'array-buffer');

/** Prototype hops followed when looking for a built-in or a method; real chains are short. */
const MAX_CHAIN = 64;

/** Arrays within this length are sent as values (Walk.#arrayValues); longer ones as their preview text. */
const MAX_ARRAY_VALUES = 16;
/** Shape texts with `lengths` kept per key list: a field's array takes a few lengths (a selection of 0, 1 or 2 items). */
const LENGTHS_PER_SHAPE = 8;

const P = '{"\\u0000":';

function placeholder(kind: PlaceholderKind, text: string, extra = ''): string {
  return `${P}"${kind}","text":${stringify(text)}${extra}}`;
}

/** What the prototype chain of a non-plain object says about it. */
interface Chain {
  builtin: Builtin | undefined;
  /** The nearest `constructor` data property that is a function. */
  constructor: Function | undefined;
  /** A `getTrackerSerial` method, present on Trackables. */
  serialMethod: Function | undefined;
}

function dataProperty(target: object, key: PropertyKey): unknown {
  const descriptor = getOwnPropertyDescriptor(target, key);
  return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
}

function inspectChain(prototype: object): Chain {
  const chain: Chain = { builtin: undefined, constructor: undefined, serialMethod: undefined };
  let current: object | null = prototype;
  for (let hops = 0; current !== null && hops < MAX_CHAIN; hops++) {
    const builtin = BUILTINS.get(current);
    if (builtin !== undefined) {
      chain.builtin = builtin;
      break;
    }
    if (chain.constructor === undefined) {
      const constructor = dataProperty(current, 'constructor');
      if (typeof constructor === 'function') chain.constructor = constructor;
    }
    if (chain.serialMethod === undefined) {
      const method = dataProperty(current, 'getTrackerSerial');
      if (typeof method === 'function') chain.serialMethod = method;
    }
    current = getPrototypeOf(current) as object | null;
  }
  return chain;
}

function functionName(fn: Function): string {
  try {
    const name = dataProperty(fn, 'name');
    return typeof name === 'string' && name !== '' ? name : '(anonymous)';
  } catch {
    return '(anonymous)';
  }
}

function numberText(value: number): string | undefined {
  if (value !== value) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0 && 1 / value < 0) return '-0';
  return undefined;
}

/**
 * The key texts of object shapes seen lately: for each key, `,"key":` (escaped, not cut). Bundles
 * of one kind have the same keys in the same order, so an object's key texts usually cost one
 * comparison of its key list with a cached one, not a lookup per key. A few shapes are kept, for
 * a page that alternates kinds of bundles, and replaced in turn: a page inventing keys costs the
 * cache nothing lasting. Shapes with a key longer than MAX_CACHED_KEY_LENGTH are not kept.
 */
interface Shape {
  keys: readonly string[];
  texts: string[];
  /** The first key's text opening an object: `{"key":`. */
  first: string;
  /** The shape's text (bundle-preview.ts, shapeText), made when first sent. */
  text: string | undefined;
  /** Its texts with `lengths`, for bundles of these keys holding arrays sent as values; the oldest replaced first (`next`). */
  withArrays: ArraysText[];
  next: number;
}

/** A shape's text whose `lengths` say that the keys at `at` hold arrays of these `lengths`. */
interface ArraysText {
  at: number[];
  lengths: number[];
  text: string;
}

const shapes: (Shape | undefined)[] = [undefined, undefined, undefined, undefined];
let nextShape = 0;
const MAX_CACHED_KEY_LENGTH = 64;

function shapeOf(keys: readonly string[]): Shape | undefined {
  const n = keys.length;
  if (n === 0 || n > MAX_SHAPE_KEYS) return undefined;
  for (let s = 0; s < shapes.length; s++) {
    const shape = shapes[s];
    if (shape === undefined || shape.keys.length !== n) continue;
    const cached = shape.keys;
    let i = 0;
    while (i < n && cached[i] === keys[i]) i++;
    if (i === n) return shape;
  }
  const texts: string[] = [];
  for (const key of keys) {
    if (key.length > MAX_CACHED_KEY_LENGTH) return undefined;
    texts.push(`,${stringify(escapeKey(key))}:`);
  }
  const shape: Shape = { keys, texts, first: `{${texts[0]!.slice(1)}`, text: undefined, withArrays: [], next: 0 };
  shapes[nextShape] = shape;
  nextShape = (nextShape + 1) % shapes.length;
  return shape;
}

/** One preview in progress: the limits and the budgets spent so far. */
class Walk {
  readonly #limits: Limits;
  #nodes = 0;
  #chars = 0;
  /**
   * Objects on the path from the root: meeting one again is a cycle. An array used as a stack: the
   * path is at most maxDepth + 1 long, short enough that a scan beats hashing every object.
   */
  readonly #path: (object | null)[] = [];
  #depth = 0;
  busy = false;
  /**
   * The keys of the bundle in hand that hold arrays sent as values, and their lengths: per walk, so
   * a walk started from a Proxy trap inside another never changes them under it.
   */
  readonly #arrayAt: number[] = [];
  readonly #arrayLengths: number[] = [];

  constructor(limits: Limits) {
    this.#limits = limits;
  }

  start(): void {
    this.busy = true;
    this.#nodes = 0;
    this.#chars = 0;
    this.#depth = 0;
  }

  end(): void {
    // The path is emptied as the walk returns (#object); a walk cut short by a stack overflow
    // may leave some behind: the walk must keep no object of the page alive.
    for (let i = this.#depth; i < this.#path.length && this.#path[i] !== null; i++) this.#path[i] = null;
    this.#depth = 0;
    this.busy = false;
  }

  #exhausted(): boolean {
    return this.#nodes >= this.#limits.maxNodes || this.#chars >= this.#limits.maxChars;
  }

  /** `text` cut to the string limit, charged to the character budget. */
  #cut(text: string): string {
    const max = this.#limits.maxStringLength;
    const kept = text.length > max ? text.slice(0, max) : text;
    this.#chars += kept.length;
    return kept;
  }

  /** `,"key":` for a key that is not in a cached shape, or is cut to the string limit. */
  #keyText(key: string): string {
    return `,${stringify(escapeKey(this.#cut(key)))}:`;
  }

  #truncated(omitted: number, value = ''): string {
    return placeholder('truncated', `${omitted} more`, `,"omitted":${omitted}${value}`);
  }

  /** See toBundleValues: the shape text, or undefined (having maybe appended to `out`: the caller trims it). */
  values(value: object, out: BundleValueSink, arrayValues: boolean): string | undefined {
    if (isArray(value) || this.#limits.maxDepth < 1) return undefined;
    const prototype = getPrototypeOf(value) as object | null;
    if (prototype !== OBJECT_PROTOTYPE && prototype !== null) return undefined;
    const keys = objectKeys(value);
    const limits = this.#limits;
    if (keys.length > limits.maxEntries) return undefined;
    const shape = shapeOf(keys);
    if (shape === undefined) return undefined;
    // As preview() and #object count and guard the root object.
    this.#nodes++;
    this.#path[0] = value;
    this.#depth = 1;
    // Whether the page's code may have run since Object.keys (a Proxy's trap, met in a field's
    // value), and deleted a key: a deleted key's read would give the prototype's value.
    let guarded = false;
    let arrays = 0;
    try {
      for (let i = 0; i < keys.length; i++) {
        // Where toBundleJson would cut the object (or skip a deleted key), it is sent as text.
        if (this.#exhausted()) return undefined;
        const key = keys[i]!;
        if (key.length > limits.maxStringLength) return undefined;
        if (guarded && !hasOwn(value, key)) return undefined;
        this.#chars += key.length;
        // Read as elementOf reads an array's elements, not through a descriptor: that is an object
        // per field, and three of them per small bundle cost ~10% of its capture
        // (docs/BENCHMARKS.md). An accessor, or a value for the walk, takes its descriptor below.
        if (lookUpGetter(value, key) === undefined) {
          const field: unknown = (value as Record<string, unknown>)[key];
          if (asIs(field, limits.maxStringLength)) {
            this.#nodes++;
            if (typeof field === 'string') this.#chars += field.length;
            out.push(field);
            continue;
          }
          guarded = true;
          if (arrayValues && typeof field === 'object') {
            const length = this.#arrayValues(field as object, out);
            if (length >= 0) {
              this.#arrayAt[arrays] = i;
              this.#arrayLengths[arrays++] = length;
              continue;
            }
          }
        }
        guarded = true;
        const descriptor = getOwnPropertyDescriptor(value, key);
        if (descriptor === undefined) return undefined;
        out.push(flat(VALUE_TEXT + this.#property(descriptor, 1)));
      }
    } finally {
      this.#path[0] = null;
      this.#depth = 0;
    }
    return arrays === 0 ? (shape.text ??= shapeText(keys.map(escapeKey))) : this.#withArrays(shape, arrays);
  }

  /**
   * Appends the elements of `array`, a field of a bundle sent as values, and returns its length,
   * when it is a short array of values sent as they are (asIs) that the walk would not cut; else
   * appends nothing and returns -1 (the walk previews it). Read as #array reads it: holes,
   * accessors, undefined and anything needing a placeholder send it to the walk, and the same
   * elements are read, so a Proxy's traps run as often. Each element is a value of its own rather
   * than one text per array: no text is built per event, and the clone copies numbers and
   * one-character strings for less than a text of them (docs/BENCHMARKS.md).
   */
  #arrayValues(array: object, out: BundleValueSink): number {
    const limits = this.#limits;
    const from = out.length;
    try {
      // isArray throws for a revoked Proxy: the walk says what it is.
      if (!isArray(array)) return -1;
      const length: unknown = array.length;
      // The array is at depth 1; the walk counts a node for it and one per element.
      // A Proxy's length may be anything: only a whole number keeps the walk's count of nodes.
      if (typeof length !== 'number' || !(length >= 0 && length <= MAX_ARRAY_VALUES) || (length | 0) !== length) return -1;
      if (length > limits.maxEntries || limits.maxDepth < 2) return -1;
      if (this.#nodes + length >= limits.maxNodes) return -1;
      let chars = this.#chars;
      for (let i = 0; i < length; i++) {
        // Where #array would stop for the character budget.
        if (chars >= limits.maxChars) break;
        // Holes, accessors and undefined (DESCRIBE) are the walk's.
        const element = elementOf(array, i);
        if (!asIs(element, limits.maxStringLength)) break;
        if (typeof element === 'string') chars += element.length;
        out.push(element);
      }
      if (out.length - from === length) {
        this.#nodes += 1 + length;
        this.#chars = chars;
        return length;
      }
    } catch {
      // A Proxy's trap threw: the walk reads it again, and says so in its preview.
    }
    if (out.length !== from) out.length = from;
    return -1;
  }

  /**
   * The text of `shape` whose `lengths` say what #arrayAt and #arrayLengths hold for the bundle in
   * hand: one of those kept for the shape when they match, else a new one, kept in place of the
   * oldest. No page code runs from here on, so a walk started from a Proxy trap cannot change
   * them in between.
   */
  #withArrays(shape: Shape, arrays: number): string {
    const at = this.#arrayAt;
    const lengths = this.#arrayLengths;
    const kept = shape.withArrays;
    for (let k = 0; k < kept.length; k++) {
      const candidate = kept[k]!;
      if (candidate.at.length !== arrays) continue;
      let same = true;
      for (let i = 0; same && i < arrays; i++) same = candidate.at[i] === at[i] && candidate.lengths[i] === lengths[i];
      if (same) return candidate.text;
    }
    const perKey: (number | null)[] = shape.keys.map(() => null);
    for (let i = 0; i < arrays; i++) perKey[at[i]!] = lengths[i]!;
    const text = shapeText(shape.keys.map(escapeKey), perKey);
    const entry: ArraysText = { at: at.slice(0, arrays), lengths: lengths.slice(0, arrays), text };
    if (kept.length < LENGTHS_PER_SHAPE) {
      kept.push(entry);
    } else {
      kept[shape.next] = entry;
      shape.next = (shape.next + 1) % LENGTHS_PER_SHAPE;
    }
    return text;
  }

  preview(value: unknown, depth: number): string {
    this.#nodes++;
    switch (typeof value) {
      case 'string': {
        if (value.length <= this.#limits.maxStringLength) {
          this.#chars += value.length;
          return jsonString(value);
        }
        return placeholder('string', this.#cut(value), `,"length":${value.length}`);
      }
      case 'number': {
        const special = numberText(value);
        return special === undefined ? String(value) : placeholder('number', special);
      }
      case 'boolean':
        return value ? 'true' : 'false';
      case 'undefined':
        return placeholder('undefined', 'undefined');
      case 'bigint':
        return placeholder('bigint', this.#bigint(value));
      case 'symbol':
        return placeholder('symbol', this.#symbol(value));
      case 'function':
        return placeholder('function', `function ${this.#cut(functionName(value))}`);
      default:
        if (value === null) return 'null';
        return this.#object(value as object, depth);
    }
  }

  #bigint(value: bigint): string {
    // Decimal conversion of a huge BigInt is quadratic; hex is linear and tells its size.
    const hex = call(bigintToString, value, 16) as string;
    if (hex.length <= 256) return `${call(bigintToString, value) as string}n`;
    const sign = hex.startsWith('-') ? '-' : '';
    return `${sign}0x${this.#cut(hex.slice(sign.length))}…n (${(hex.length - sign.length) * 4} bits)`;
  }

  #symbol(value: symbol): string {
    const description = call(symbolDescription, value) as string | undefined;
    return description === undefined ? 'Symbol()' : `Symbol(${this.#cut(description)})`;
  }

  #object(value: object, depth: number): string {
    const path = this.#path;
    const length = this.#depth;
    for (let i = 0; i < length; i++) if (path[i] === value) return placeholder('cycle', 'circular reference');
    try {
      path[length] = value;
      this.#depth = length + 1;
      return this.#classified(value, depth);
    } catch {
      return placeholder('unreadable', 'could not be read (a revoked Proxy, or a getter or Proxy trap threw)');
    } finally {
      path[length] = null;
      this.#depth = length;
    }
  }

  #classified(value: object, depth: number): string {
    if (isArray(value)) {
      if (depth >= this.#limits.maxDepth) return placeholder('depth', `Array(${(value as unknown[]).length})`);
      return this.#array(value as unknown[], depth);
    }
    const prototype = getPrototypeOf(value) as object | null;
    if (prototype === OBJECT_PROTOTYPE || prototype === null) {
      if (depth >= this.#limits.maxDepth) return placeholder('depth', 'Object');
      return this.#plain(value, depth);
    }
    const chain = inspectChain(prototype);
    if (chain.builtin !== undefined) return this.#builtin(value, chain, depth);
    const className = chain.constructor === undefined ? 'Object' : functionName(chain.constructor);
    if (chain.serialMethod !== undefined && chain.constructor !== undefined) {
      const serial: unknown = call(chain.serialMethod, value);
      if (Number.isSafeInteger(serial)) {
        return placeholder('trackable', `${this.#cut(trackingNameOf(chain.constructor as unknown as TrackedClass))} #${serial as number}`);
      }
    }
    const dom = domText(value);
    if (dom !== undefined) return placeholder('dom', this.#cut(dom));
    // An object from another realm (an iframe) has that realm's Object.prototype.
    if (className === 'Object' && getPrototypeOf(prototype) === null) {
      if (depth >= this.#limits.maxDepth) return placeholder('depth', 'Object');
      return this.#plain(value, depth);
    }
    const text = this.#cut(className);
    if (depth >= this.#limits.maxDepth) return placeholder('depth', text);
    return placeholder('instance', text, `,"value":${this.#plain(value, depth)}`);
  }

  #builtin(value: object, chain: Chain, depth: number): string {
    const name = chain.constructor === undefined ? undefined : functionName(chain.constructor);
    switch (chain.builtin) {
      case 'map': {
        const size = call(mapSize, value) as number;
        const text = `${this.#cut(name ?? 'Map')}(${size})`;
        if (depth >= this.#limits.maxDepth) return placeholder('depth', text);
        const entries: unknown = call(mapEntries, value);
        return placeholder('map', text, `,"value":${this.#entries(entries, mapIteratorNext, size, depth, true)}`);
      }
      case 'set': {
        const size = call(setSize, value) as number;
        const text = `${this.#cut(name ?? 'Set')}(${size})`;
        if (depth >= this.#limits.maxDepth) return placeholder('depth', text);
        const values: unknown = call(setValues, value);
        return placeholder('set', text, `,"value":${this.#entries(values, setIteratorNext, size, depth, false)}`);
      }
      case 'date': {
        const time = call(dateGetTime, value) as number;
        return placeholder('date', time === time ? (call(dateToISOString, value) as string) : 'Invalid Date');
      }
      case 'regexp':
        return placeholder('regexp', `/${this.#cut(call(regExpSource, value) as string)}/${call(regExpFlags, value) as string}`);
      case 'error':
        return placeholder('error', this.#errorText(value, name));
      case 'typed-array':
        return this.#typedArray(value, depth);
      case 'array-buffer':
        return placeholder('opaque', `${this.#cut(name ?? 'ArrayBuffer')}(${call(arrayBufferByteLength, value) as number})`);
      case 'data-view':
        return placeholder('opaque', `${this.#cut(name ?? 'DataView')}(${call(dataViewByteLength, value) as number})`);
      case 'weak-map':
        call(weakMapHas, value, OBJECT_PROTOTYPE);
        return placeholder('opaque', this.#cut(name ?? 'WeakMap'));
      case 'weak-set':
        call(weakSetHas, value, OBJECT_PROTOTYPE);
        return placeholder('opaque', this.#cut(name ?? 'WeakSet'));
      case 'weak-ref':
        call(weakRefDeref, value);
        return placeholder('opaque', this.#cut(name ?? 'WeakRef'));
      default:
        return placeholder('opaque', this.#cut(name ?? 'Promise'));
    }
  }

  #errorText(value: object, className: string | undefined): string {
    const name = dataProperty(value, 'name');
    const message = dataProperty(value, 'message');
    const title = this.#cut(typeof name === 'string' ? name : (className ?? 'Error'));
    return typeof message === 'string' && message !== '' ? `${title}: ${this.#cut(message)}` : title;
  }

  #typedArray(value: object, depth: number): string {
    const tag = call(typedArrayTag, value) as string | undefined;
    if (tag === undefined) throw new TypeError('not a typed array');
    const length = call(typedArrayLength, value) as number;
    const text = `${tag}(${length})`;
    if (depth >= this.#limits.maxDepth) return placeholder('depth', text);
    const elements = value as ArrayLike<number | bigint>;
    let out = '[';
    let i = 0;
    for (const n = Math.min(length, this.#limits.maxEntries); i < n && !this.#exhausted(); i++) {
      if (i !== 0) out += ',';
      out += this.preview(elements[i], depth + 1);
    }
    if (i < length) out += `${i === 0 ? '' : ','}${this.#truncated(length - i)}`;
    return placeholder('typed-array', text, `,"value":${out}]`);
  }

  #array(value: unknown[], depth: number): string {
    const length = value.length;
    let out = '[';
    let i = 0;
    for (const n = Math.min(length, this.#limits.maxEntries); i < n && !this.#exhausted(); i++) {
      if (i !== 0) out += ',';
      const element = elementOf(value, i);
      if (element !== DESCRIBE) {
        out += this.preview(element, depth + 1);
        continue;
      }
      const descriptor = getOwnPropertyDescriptor(value, i);
      out += descriptor === undefined ? placeholder('undefined', 'empty') : this.#property(descriptor, depth + 1);
    }
    if (i < length) out += `${i === 0 ? '' : ','}${this.#truncated(length - i)}`;
    return `${out}]`;
  }

  #plain(value: object, depth: number): string {
    const keys = objectKeys(value);
    const shape = shapeOf(keys);
    const maxKey = this.#limits.maxStringLength;
    let out = '';
    let i = 0;
    for (const n = Math.min(keys.length, this.#limits.maxEntries); i < n && !this.#exhausted(); i++) {
      const key = keys[i]!;
      const descriptor = getOwnPropertyDescriptor(value, key);
      // Deleted since the keys were listed (a Proxy can also claim keys it does not have).
      if (descriptor === undefined) continue;
      let text: string;
      if (shape !== undefined && key.length <= maxKey) {
        this.#chars += key.length;
        text = out !== '' ? shape.texts[i]! : i === 0 ? shape.first : `{${shape.texts[i]!.slice(1)}`;
      } else {
        text = this.#keyText(key);
        if (out === '') text = `{${text.slice(1)}`;
      }
      out += text + this.#property(descriptor, depth + 1);
    }
    out = out === '' ? '{}' : `${out}}`;
    return i < keys.length ? this.#truncated(keys.length - i, `,"value":${out}`) : out;
  }

  #property(descriptor: PropertyDescriptor, depth: number): string {
    if ('value' in descriptor) return this.preview(descriptor.value, depth);
    this.#nodes++;
    return placeholder('unreadable', descriptor.get === undefined ? 'setter without getter' : 'getter (not invoked)');
  }

  /** Map entries as [key, value] pairs, or Set values; `size` entries in all. */
  #entries(iterator: unknown, next: Function, size: number, depth: number, pairs: boolean): string {
    let out = '[';
    let i = 0;
    for (const n = Math.min(size, this.#limits.maxEntries); i < n && !this.#exhausted(); i++) {
      const step = call(next, iterator) as IteratorResult<unknown>;
      if (step.done === true) break;
      if (i !== 0) out += ',';
      if (pairs) {
        const entry = step.value as [unknown, unknown];
        out += `[${this.preview(entry[0], depth + 1)},${this.preview(entry[1], depth + 1)}]`;
      } else {
        out += this.preview(step.value, depth + 1);
      }
    }
    if (i < size) out += `${i === 0 ? '' : ','}${this.#truncated(size - i)}`;
    return `${out}]`;
  }
}

const sharedWalk = new Walk(DEFAULT_LIMITS);

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const DOCUMENT_NODE = 9;

/** `<div id="x" class="y">`, `#text`, `#document`… for a DOM node (duck-typed: nodes of other frames too); else undefined. */
function domText(value: object): string | undefined {
  const node = value as { nodeType?: unknown; nodeName?: unknown; getAttribute?: unknown };
  const nodeType = node.nodeType;
  const nodeName = node.nodeName;
  if (typeof nodeType !== 'number' || typeof nodeName !== 'string') return undefined;
  if (nodeType === TEXT_NODE) return '#text';
  if (nodeType === DOCUMENT_NODE) return '#document';
  if (nodeType !== ELEMENT_NODE) return nodeName;
  let text = `<${nodeName.toLowerCase()}`;
  const getAttribute = node.getAttribute;
  if (typeof getAttribute === 'function') {
    for (const attribute of ['id', 'class']) {
      const attributeValue: unknown = call(getAttribute, value, attribute);
      if (typeof attributeValue === 'string' && attributeValue !== '') text += ` ${attribute}="${attributeValue.slice(0, 200)}"`;
    }
  }
  return `${text}>`;
}
