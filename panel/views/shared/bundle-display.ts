import { isPlaceholder, unescapeKey, type Placeholder, type PlaceholderKind, type Preview } from '../../../agent/protocol/bundle-preview.js';

/**
 * A placeholder as the inspector shows it. react-inspector names an object by its constructor,
 * so each kind gets a class of its own name: the tree reads `function "onClick"`, `dom <div>`.
 */
export class PlaceholderValue {
  declare readonly kind: PlaceholderKind;
  declare readonly text: string;

  constructor(kind: PlaceholderKind, text: string) {
    // Not enumerable: the label already says both, the tree should list only what the value carries.
    Object.defineProperties(this, { kind: { value: kind }, text: { value: text } });
  }
}

const placeholderClasses = new Map<string, new (kind: PlaceholderKind, text: string) => PlaceholderValue>();

function placeholderValue(kind: PlaceholderKind, text: string): PlaceholderValue {
  let named = placeholderClasses.get(kind);
  if (named === undefined) {
    // A computed key names the class expression, which Function.name then reports.
    named = { [kind]: class extends PlaceholderValue {} }[kind]!;
    placeholderClasses.set(kind, named);
  }
  return new named(kind, text);
}

/** An object shown under a class name of the page's ('instance' placeholders). */
function namedObject(name: string): Record<string, unknown> {
  const named = { [name]: class {} }[name]!;
  return new named() as Record<string, unknown>;
}

/**
 * A bundle preview as values react-inspector can walk: plain data as is, maps and sets as real
 * Map and Set, class instances under their class's name, and other placeholders as
 * PlaceholderValue (with the entries they carry, if any, as own properties).
 */
export function toDisplay(preview: Preview): unknown {
  if (preview === null || typeof preview !== 'object') return preview;
  if (Array.isArray(preview)) return preview.map(toDisplay);
  if (isPlaceholder(preview)) return placeholderDisplay(preview);
  const object: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(preview)) object[unescapeKey(key)] = toDisplay(value);
  return object;
}

function placeholderDisplay(placeholder: Placeholder): unknown {
  const { value } = placeholder;
  switch (placeholder['\u0000']) {
    case 'undefined':
      return undefined;
    case 'number':
      return Number(placeholder.text);
    case 'map':
      return new Map(Array.isArray(value) ? value.map((pair) => (Array.isArray(pair) ? [toDisplay(pair[0] ?? null), toDisplay(pair[1] ?? null)] : [toDisplay(pair), undefined])) : []);
    case 'set':
      return new Set(Array.isArray(value) ? value.map(toDisplay) : []);
    case 'instance': {
      const object = namedObject(placeholder.text || 'Object');
      const data = value === undefined ? {} : toDisplay(value);
      if (typeof data === 'object' && data !== null) Object.assign(object, data);
      return object;
    }
    default: {
      const shown = placeholderValue(placeholder['\u0000'], placeholder.text) as unknown as Record<string, unknown>;
      if (value !== undefined) shown['value'] = toDisplay(value);
      if (placeholder.length !== undefined) shown['length'] = placeholder.length;
      if (placeholder.omitted !== undefined) shown['omitted'] = placeholder.omitted;
      return shown;
    }
  }
}

/** A one-line summary of a preview, at most `max` characters, for lists. */
export function previewLine(preview: Preview, max = 80): string {
  const text = line(preview, 2);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function line(preview: Preview, depth: number): string {
  if (preview === null || typeof preview !== 'object') return typeof preview === 'string' ? JSON.stringify(preview) : String(preview);
  if (isPlaceholder(preview)) return placeholderLine(preview);
  if (Array.isArray(preview)) return depth === 0 ? `Array(${preview.length})` : `[${preview.map((item) => line(item, depth - 1)).join(', ')}]`;
  const entries = Object.entries(preview);
  if (depth === 0) return entries.length === 0 ? '{}' : '{…}';
  return `{${entries.map(([key, value]) => `${unescapeKey(key)}: ${line(value, depth - 1)}`).join(', ')}}`;
}

function placeholderLine(placeholder: Placeholder): string {
  const kind = placeholder['\u0000'];
  switch (kind) {
    case 'undefined':
      return 'undefined';
    case 'number':
    case 'bigint':
    case 'date':
    case 'regexp':
    case 'dom':
    case 'trackable':
    case 'typed-array':
      return placeholder.text;
    case 'string':
      return `${JSON.stringify(placeholder.text)}…`;
    case 'instance':
      return `${placeholder.text} {…}`;
    default:
      return `‹${kind}${placeholder.text ? ` ${placeholder.text}` : ''}›`;
  }
}

/** What changed between two consecutive bundles. */
export type BundleChange =
  | { kind: 'same' }
  | { kind: 'keys'; added: string[]; removed: string[]; changed: string[] }
  | { kind: 'value' };

/**
 * A shallow diff: for two plain objects, the keys added, removed and whose values differ;
 * anything else (primitives, arrays, placeholders, an object replaced by a primitive) either
 * equal or "value changed".
 */
export function bundleChange(before: Preview | undefined, after: Preview | undefined): BundleChange {
  if (isPlainObject(before) && isPlainObject(after)) {
    const added: string[] = [];
    const removed: string[] = [];
    const changed: string[] = [];
    for (const key of Object.keys(after)) {
      if (!Object.hasOwn(before, key)) added.push(unescapeKey(key));
      else if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed.push(unescapeKey(key));
    }
    for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) removed.push(unescapeKey(key));
    return added.length + removed.length + changed.length === 0 ? { kind: 'same' } : { kind: 'keys', added, removed, changed };
  }
  return JSON.stringify(before) === JSON.stringify(after) ? { kind: 'same' } : { kind: 'value' };
}

function isPlainObject(value: Preview | undefined): value is { [key: string]: Preview } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isPlaceholder(value);
}

/** A change as a sentence fragment: "+count −old ~name", "value changed", "no change". */
export function describeChange(change: BundleChange): string {
  switch (change.kind) {
    case 'same':
      return 'no change';
    case 'value':
      return 'value changed';
    case 'keys':
      return [
        ...change.added.map((key) => `+${key}`),
        ...change.removed.map((key) => `−${key}`),
        ...change.changed.map((key) => `~${key}`),
      ].join(' ');
  }
}
