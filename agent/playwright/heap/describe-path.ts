/*
 * A retainer path in the app's terms: property names and array indices as accessors
 * (`Window.__popups[15]`), Map entries as `.get(key)`, closure variables, event listeners and
 * DOM nodes, with V8's own bookkeeping left out of the text (it stays in the steps' data).
 */
import { harnessHolder, type HarnessHolder } from './harness-holders.js';
import { findGlobalHandles, isHarnessEdge, type RawStep } from './retainer-paths.js';
import type { HeapSnapshot } from './snapshot-parser.js';

/** What an edge of a path is, in the app's terms. */
export type StepKind =
  | 'property'
  | 'element'
  | 'map-entry'
  | 'set-entry'
  | 'closure-variable'
  | 'event-listener'
  /** V8's or the browser's own bookkeeping (a closure's scope, a Map's table, DOM internals). */
  | 'internal';

/** One step of a retainer path: `holder` holds the next object by `edge`. */
export interface PathStep {
  /** The holding object, e.g. `Window`, `Array`, `closure onResize`, `Detached <div class="view">`. */
  holder: string;
  /** The edge's name as the heap snapshot has it: a property name, an index, a variable name. */
  edge: string;
  /** The snapshot's edge type (property, element, context, internal, hidden, shortcut). */
  edgeType: string;
  kind: StepKind;
  /** For an event listener: the event type it listens to (`resize`), when the browser told it. */
  eventType?: string;
}

/** A path from where the page holds an object down to the object. */
export interface RetainerPath {
  /** Steps from the first readable holder (usually `Window`) to the object. */
  steps: PathStep[];
  /** One readable line per hop: an accessor chain, a closure variable, a listener, a DOM node. */
  lines: string[];
  /** Set when the path starts at the test harness (a Playwright handle, the DevTools console). */
  harness?: HarnessHolder;
}

interface Line {
  /** What the line is about (a closure variable, a listener); empty for a plain accessor chain. */
  label: string;
  /** The accessor chain, starting at a short name of the holder. */
  chain: string;
  /** The chain as it was when the line started: accessors were added if it changed. */
  base: string;
}

const IDENTIFIER = /^[A-Za-z_$#][\w$]*$/;
const MAX_KEY_TEXT = 60;

/**
 * Describes the path `steps` (root side first, from {@link RetainerTree.pathTo}) of `snapshot`;
 * `eventTypes` gives the event type of listener functions, by ordinal (see listener-types.ts).
 */
export function describePath(snapshot: HeapSnapshot, steps: readonly RawStep[], eventTypes: ReadonlyMap<number, string> = new Map()): RetainerPath {
  const s = snapshot;
  const globalHandles = findGlobalHandles(s);
  let start = -1;
  let harness: HarnessHolder | undefined;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.from === globalHandles && s.edgeTypeOf(step.edge) === 'internal' && isHarnessEdge(s.edgeNameOf(step.edge))) {
      harness = harnessHolder(s, step.to);
      start = i + 1;
      break;
    }
    if (isWindow(s, step.from)) {
      start = i;
      break;
    }
  }
  if (start < 0) start = steps.findIndex((step) => !isRootSide(s, step.from));
  if (start < 0) start = steps.length;

  const result: PathStep[] = [];
  const lines: Line[] = [];
  let line: Line = newLine('', harness !== undefined ? describeNode(s, steps[start]?.from ?? steps.at(-1)?.to ?? 0) : describeNode(s, steps[start]?.from ?? 0));
  let lastClosure = '';
  let listenerTarget = '';
  for (let i = start; i < steps.length; i++) {
    const { from, edge, to } = steps[i]!;
    const edgeType = s.edgeTypeOf(edge);
    const name = s.edgeNameOf(edge);
    const holder = shorten(describeNode(s, from));
    const fromType = s.typeOf(from);
    let kind: StepKind = 'internal';
    let eventType: string | undefined;
    if (fromType === 'closure') lastClosure = s.nameOf(from) || '(anonymous)';
    if (fromType === 'native' && isEventTarget(s, from)) listenerTarget = holder;
    if (edgeType === 'property') {
      kind = 'property';
      line.chain += IDENTIFIER.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
    } else if (edgeType === 'element' && fromType !== 'native') {
      kind = 'element';
      line.chain += `[${name}]`;
    } else if (edgeType === 'context') {
      kind = 'closure-variable';
      lines.push(line);
      line = newLine(`closure variable ${name} of ${lastClosure || 'a function'}`, name);
    } else if (isListenerStep(s, steps[i]!)) {
      kind = 'event-listener';
      eventType = eventTypes.get(to);
      // "Window" alone says nothing the listener's line does not.
      if (line.label !== '' || line.chain !== line.base || line.chain !== listenerTarget) lines.push(line);
      const listensTo = eventType === undefined ? '' : ` for ${JSON.stringify(eventType)}`;
      line = newLine(`event listener ${s.nameOf(to) || '(anonymous)'}${listensTo} on ${listenerTarget || 'a DOM node'}`, '');
    } else if (i > start && isCollectionTable(s, steps[i - 1]!) && /^\d+$/.test(name)) {
      const collection = s.nameOf(steps[i - 1]!.from);
      if (collection === 'Set') {
        kind = 'set-entry';
        line.chain += ' (Set entry)';
      } else {
        kind = 'map-entry';
        line.chain += `.get(${mapKey(s, from, Number(name))})`;
      }
    }
    result.push(eventType === undefined ? { holder, edge: name, edgeType, kind } : { holder, edge: name, edgeType, kind, eventType });
    // A DOM node reached by an accessor starts a line of its own: its properties are expandos.
    if ((kind === 'property' || kind === 'element' || kind === 'map-entry') && s.typeOf(to) === 'native' && i < steps.length - 1) {
      lines.push(line);
      line = newLine('', describeNode(s, to));
    }
  }
  lines.push(line);
  const text = lines.map(render).filter((rendered) => rendered !== '');
  return harness === undefined ? { steps: result, lines: text } : { steps: result, lines: text, harness };
}

const MAX_HOLDER_TEXT = 80;

/** Blink's C++ type names run to hundreds of characters. */
function shorten(text: string): string {
  return text.length > MAX_HOLDER_TEXT ? `${text.slice(0, MAX_HOLDER_TEXT)}…` : text;
}

function newLine(label: string, chain: string): Line {
  return { label, chain, base: chain };
}

function render(line: Line): string {
  if (line.label === '') return line.chain;
  return line.chain === line.base ? line.label : `${line.label}: ${line.chain}`;
}

/** A short description of a node, as a holder. */
export function describeNode(s: HeapSnapshot, ordinal: number): string {
  const type = s.typeOf(ordinal);
  const name = s.nameOf(ordinal);
  if (isWindow(s, ordinal)) return 'Window';
  switch (type) {
    case 'closure':
      return `closure ${name || '(anonymous)'}`;
    case 'native':
      return isDetached(s, ordinal) && name.startsWith('<') ? `Detached ${name}` : name;
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return 'string';
    case 'array':
      return '(internal array)';
    case 'object':
      return name.startsWith('system / Context') ? 'closure scope' : name || 'Object';
    default:
      return name === '' ? `(${type})` : name;
  }
}

function isWindow(s: HeapSnapshot, ordinal: number): boolean {
  const type = s.typeOf(ordinal);
  return (type === 'object' || type === 'native') && (s.nameOf(ordinal).startsWith('Window [JSGlobalObject]') || s.nameOf(ordinal).startsWith('Window / '));
}

function isRootSide(s: HeapSnapshot, ordinal: number): boolean {
  const type = s.typeOf(ordinal);
  return ordinal === 0 || type === 'synthetic' || s.nameOf(ordinal).startsWith('system / NativeContext');
}

/** Whether a step is Blink's listener record holding the listener function. */
export function isListenerStep(s: HeapSnapshot, step: RawStep): boolean {
  return s.typeOf(step.to) === 'closure' && s.typeOf(step.from) === 'native' && /EventListener/.test(s.nameOf(step.from));
}

export function isEventTarget(s: HeapSnapshot, ordinal: number): boolean {
  const name = s.nameOf(ordinal);
  return name.startsWith('<') || name.startsWith('Window / ') || name.startsWith('Detached <');
}

function isDetached(s: HeapSnapshot, ordinal: number): boolean {
  // V8 writes a `detachedness` field (2: detached) where the embedder reports it.
  return s.detachednessOf(ordinal) === 2 || s.nameOf(ordinal).startsWith('Detached ');
}

/** Whether a step is a Map's or Set's edge to its hash table. */
function isCollectionTable(s: HeapSnapshot, step: RawStep): boolean {
  const holder = s.nameOf(step.from);
  return (holder === 'Map' || holder === 'Set') && s.typeOf(step.from) === 'object' && s.edgeNameOf(step.edge) === 'table';
}

/** The key of the entry whose value sits at `index` of a Map's table: the slot before it. */
function mapKey(s: HeapSnapshot, table: number, index: number): string {
  for (let edge = s.firstEdge[table]!; edge < s.firstEdge[table + 1]!; edge += s.edgeFieldCount) {
    if (s.edgeNameOf(edge) !== String(index - 1)) continue;
    const key = s.edgeTarget(edge);
    const type = s.typeOf(key);
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') {
      const text = JSON.stringify(s.nameOf(key));
      return text.length > MAX_KEY_TEXT ? `${text.slice(0, MAX_KEY_TEXT)}…"` : text;
    }
    if (type === 'number') return s.nameOf(key);
    return `<${describeNode(s, key)}>`;
  }
  // A number key is not in the snapshot (V8 keeps small integers unboxed).
  return '<a number>';
}
