/*
 * Shortest retainer paths in a heap snapshot, after memlab's TraceFinder: a breadth-first search
 * from the snapshot's root that never follows weak edges and takes "less preferable" edges (V8
 * internals, WeakMap ephemerons) only once every preferable edge is exhausted, so a path runs
 * through the app's own properties whenever one exists. One search gives every node its
 * retaining edge; a path is read back from any node to the root.
 */
import type { HeapSnapshot } from './snapshot-parser.js';

/** One step of a path: the holder, the edge it holds the next node by. */
export interface RawStep {
  /** Ordinal of the holding node. */
  from: number;
  /** Index in `snapshot.edges` of the edge from `from` to the next node. */
  edge: number;
  /** Ordinal of the node held. */
  to: number;
}

const NONE = 0xffffffff;

/** How much the search wants to follow an edge: lower first; `skip` never. */
const enum Preference {
  good = 0,
  poor = 1,
  last = 2,
  skip = 3,
}

/** The retaining edge of every reachable node, from one search of a snapshot. */
export class RetainerTree {
  /** By ordinal: index in `snapshot.edges` of the edge the search reached it by, NONE if unreached. */
  readonly #via: Uint32Array;
  /** By ordinal: the holder the search reached it from. */
  readonly #from: Uint32Array;

  constructor(readonly snapshot: HeapSnapshot) {
    const count = snapshot.nodeCount;
    this.#via = new Uint32Array(count).fill(NONE);
    this.#from = new Uint32Array(count).fill(NONE);
    this.#search();
  }

  /** Whether the node is reachable from the roots without weak edges. */
  reachable(ordinal: number): boolean {
    return ordinal === 0 || this.#via[ordinal] !== NONE;
  }

  /** The path from the root to `ordinal`, root side first; empty if unreachable (or the root). */
  pathTo(ordinal: number): RawStep[] {
    const steps: RawStep[] = [];
    let node = ordinal;
    while (node !== 0 && this.#via[node] !== NONE) {
      const from = this.#from[node]!;
      steps.push({ from, edge: this.#via[node]!, to: node });
      node = from;
      if (steps.length > this.snapshot.nodeCount) throw new Error('Trackables: a cycle in the retainer tree (a bug).');
    }
    return node === 0 ? steps.reverse() : [];
  }

  #search(): void {
    const s = this.snapshot;
    const count = s.nodeCount;
    // One queue per preference level; a node waits in a poorer queue until the better ones empty.
    const queues = [new Uint32Array(count), new Uint32Array(count), new Uint32Array(count)];
    const heads = new Uint32Array(3);
    const tails = new Uint32Array(3);
    const visited = new Uint8Array(count);
    const levels = new Uint8Array(count);
    visited[0] = 1;
    queues[0]![tails[0]!++] = 0;
    const preference = edgePreference(s);
    for (;;) {
      let level = 0;
      while (level < 3 && heads[level] === tails[level]) level++;
      if (level === 3) break;
      const node = queues[level]![heads[level]!++]!;
      // A node may have been queued at a poorer level before a better edge reached it.
      if (visited[node] === 2) continue;
      visited[node] = 2;
      const end = s.firstEdge[node + 1]!;
      for (let edge = s.firstEdge[node]!; edge < end; edge += s.edgeFieldCount) {
        const target = s.edges[edge + s.edgeToNode]! / s.nodeFieldCount;
        if (visited[target] !== 0) continue;
        const wanted = preference(node, edge, target);
        if (wanted === Preference.skip) continue;
        const targetLevel = Math.max(level, wanted);
        if (this.#via[target] !== NONE && levels[target]! <= targetLevel) continue;
        this.#via[target] = edge;
        this.#from[target] = node;
        levels[target] = targetLevel;
        queues[targetLevel]![tails[targetLevel]!++] = target;
        // Queues are sized by node count; a node is queued at most once per level.
      }
    }
  }
}

/** The `(Global handles)` root, or -1. */
export function findGlobalHandles(s: HeapSnapshot): number {
  for (let edge = s.firstEdge[0]!; edge < s.firstEdge[1]!; edge += s.edgeFieldCount) {
    const gcRoots = s.edgeTarget(edge);
    if (s.nameOf(gcRoots) !== '(GC roots)') continue;
    for (let inner = s.firstEdge[gcRoots]!; inner < s.firstEdge[gcRoots + 1]!; inner += s.edgeFieldCount) {
      const root = s.edgeTarget(inner);
      if (s.nameOf(root) === '(Global handles)') return root;
    }
  }
  return -1;
}

/**
 * A global handle of the V8 inspector: V8 labels every handle it keeps for a debugger client
 * (remote objects such as Playwright handles, console messages, `$_`) "DevTools console".
 */
export function isHarnessEdge(name: string): boolean {
  return name.endsWith('/ DevTools console');
}

/**
 * Edges a path should avoid: V8's internal bookkeeping (maps, feedback, code) would make
 * shorter but meaningless paths. Weak edges retain nothing and are never followed.
 */
function edgePreference(s: HeapSnapshot): (from: number, edge: number, to: number) => Preference {
  const weak = s.edgeTypes.indexOf('weak');
  const internal = s.edgeTypes.indexOf('internal');
  const hidden = s.edgeTypes.indexOf('hidden');
  const shortcut = s.edgeTypes.indexOf('shortcut');
  const hiddenNode = s.nodeTypes.indexOf('hidden');
  const syntheticNode = s.nodeTypes.indexOf('synthetic');
  const codeNode = s.nodeTypes.indexOf('code');
  const shapeNode = s.nodeTypes.indexOf('object shape');
  const property = s.edgeTypes.indexOf('property');
  const strings = s.strings;
  const protoName = strings.indexOf('__proto__');
  const globalHandles = findGlobalHandles(s);
  const memo = new Map<number, Preference>();
  const internalByName = (nameIndex: number): Preference => {
    let known = memo.get(nameIndex);
    if (known === undefined) {
      const name = strings[nameIndex] ?? '';
      if (name.includes('WeakMap') || name.includes('WeakRef') || name.startsWith('part of key')) known = Preference.last;
      else if (name === 'context' || name === 'table' || name === 'elements' || name === 'properties' || name.startsWith('native:') || name === 'previous') known = Preference.good;
      else known = Preference.poor;
      memo.set(nameIndex, known);
    }
    return known;
  };
  return (from, edge, to) => {
    const type = s.edges[edge + s.edgeType]!;
    if (type === weak) return Preference.skip;
    const toType = s.nodes[to * s.nodeFieldCount + s.nodeType]!;
    if (toType === codeNode || toType === shapeNode) return Preference.poor;
    if (type === internal) {
      // Handles V8 keeps for debugger clients (Playwright handles, the console): the test
      // harness, not the app, so a path through them only if nothing else holds the object.
      if (from === globalHandles && isHarnessEdge(s.strings[s.edges[edge + s.edgeNameOrIndex]!] ?? '')) return Preference.last;
      return internalByName(s.edges[edge + s.edgeNameOrIndex]!);
    }
    if (type === property && s.edges[edge + s.edgeNameOrIndex] === protoName) return Preference.poor;
    if (type === hidden) return Preference.poor;
    // The root's shortcuts to each window are how a readable path starts; elsewhere a shortcut
    // skips the real holders.
    if (type === shortcut) return from === 0 ? Preference.good : Preference.poor;
    const fromType = s.nodes[from * s.nodeFieldCount + s.nodeType]!;
    if (from !== 0 && (fromType === hiddenNode || fromType === syntheticNode) && toType === hiddenNode) return Preference.poor;
    return Preference.good;
  };
}
