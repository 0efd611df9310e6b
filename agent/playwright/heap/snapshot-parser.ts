/*
 * A V8 heap snapshot (`.heapsnapshot` JSON), parsed as it streams in chunks from
 * `HeapProfiler.addHeapSnapshotChunk`, without ever holding the whole JSON text or a JSON.parse
 * tree: node and edge numbers go straight into typed arrays, strings into one array. Peak memory
 * is the typed arrays (about the size of the numbers' text) plus the strings, well under the 3×
 * the snapshot's size a JSON.parse of it costs.
 *
 * Our own rather than @memlab/core's HeapParser: that package depends on puppeteer and xvfb, far
 * too much for a test helper whose users already have Playwright, and it reads whole files.
 */

/** `snapshot.meta` of a heap snapshot: what each number of a node and an edge means. */
interface SnapshotMeta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
}

interface SnapshotHeader {
  snapshot: { meta: SnapshotMeta; node_count: number; edge_count: number };
}

/** A parsed heap snapshot: nodes and edges as flat typed arrays, as V8 writes them. */
export class HeapSnapshot {
  /** Numbers per node; a node's index in `nodes` is its ordinal times this. */
  readonly nodeFieldCount: number;
  readonly edgeFieldCount: number;
  readonly nodeCount: number;
  /** Offsets of the fields within a node or an edge. */
  readonly nodeType: number;
  readonly nodeName: number;
  readonly nodeId: number;
  readonly nodeSelfSize: number;
  readonly nodeEdgeCount: number;
  /** -1 when V8 does not write it (older versions). */
  readonly nodeDetachedness: number;
  readonly edgeType: number;
  readonly edgeNameOrIndex: number;
  readonly edgeToNode: number;
  readonly nodeTypes: readonly string[];
  readonly edgeTypes: readonly string[];
  /** Index in `edges` of each node's first edge (by ordinal); one more entry for the end. */
  readonly firstEdge: Uint32Array;

  constructor(
    meta: SnapshotMeta,
    readonly nodes: Uint32Array,
    readonly edges: Uint32Array,
    readonly strings: readonly string[],
  ) {
    const field = (fields: string[], name: string): number => {
      const index = fields.indexOf(name);
      if (index < 0) throw new Error(`Trackables: heap snapshot without the ${name} field (${fields.join(', ')}).`);
      return index;
    };
    this.nodeFieldCount = meta.node_fields.length;
    this.edgeFieldCount = meta.edge_fields.length;
    this.nodeType = field(meta.node_fields, 'type');
    this.nodeName = field(meta.node_fields, 'name');
    this.nodeId = field(meta.node_fields, 'id');
    this.nodeSelfSize = field(meta.node_fields, 'self_size');
    this.nodeEdgeCount = field(meta.node_fields, 'edge_count');
    this.nodeDetachedness = meta.node_fields.indexOf('detachedness');
    this.edgeType = field(meta.edge_fields, 'type');
    this.edgeNameOrIndex = field(meta.edge_fields, 'name_or_index');
    this.edgeToNode = field(meta.edge_fields, 'to_node');
    this.nodeTypes = meta.node_types[0];
    this.edgeTypes = meta.edge_types[0];
    this.nodeCount = nodes.length / this.nodeFieldCount;
    this.firstEdge = new Uint32Array(this.nodeCount + 1);
    let edge = 0;
    for (let ordinal = 0; ordinal < this.nodeCount; ordinal++) {
      this.firstEdge[ordinal] = edge;
      edge += nodes[ordinal * this.nodeFieldCount + this.nodeEdgeCount]! * this.edgeFieldCount;
    }
    this.firstEdge[this.nodeCount] = edge;
    if (edge !== edges.length) throw new Error(`Trackables: heap snapshot's nodes name ${edge / this.edgeFieldCount} edges, it has ${edges.length / this.edgeFieldCount}.`);
  }

  typeOf(ordinal: number): string {
    return this.nodeTypes[this.nodes[ordinal * this.nodeFieldCount + this.nodeType]!] ?? 'unknown';
  }

  nameOf(ordinal: number): string {
    return this.strings[this.nodes[ordinal * this.nodeFieldCount + this.nodeName]!] ?? '';
  }

  idOf(ordinal: number): number {
    return this.nodes[ordinal * this.nodeFieldCount + this.nodeId]!;
  }

  selfSizeOf(ordinal: number): number {
    return this.nodes[ordinal * this.nodeFieldCount + this.nodeSelfSize]!;
  }

  /** 0: unknown, 1: attached to a document, 2: detached (DOM nodes only). */
  detachednessOf(ordinal: number): number {
    return this.nodeDetachedness < 0 ? 0 : this.nodes[ordinal * this.nodeFieldCount + this.nodeDetachedness]!;
  }

  edgeTypeOf(edge: number): string {
    return this.edgeTypes[this.edges[edge + this.edgeType]!] ?? 'unknown';
  }

  /** An edge's name: a property name, or the index of an element or hidden edge as text. */
  edgeNameOf(edge: number): string {
    const value = this.edges[edge + this.edgeNameOrIndex]!;
    const type = this.edgeTypeOf(edge);
    return type === 'element' || type === 'hidden' ? String(value) : (this.strings[value] ?? '');
  }

  /** The ordinal of the node an edge points to. */
  edgeTarget(edge: number): number {
    return this.edges[edge + this.edgeToNode]! / this.nodeFieldCount;
  }

  /**
   * Snapshot ids of the objects holding a property named after each of `names` (own properties,
   * as V8 reports them), by name, in one pass over the edges.
   */
  holdersOfProperties<Name extends string>(names: readonly Name[]): Record<Name, number[]> {
    const holders = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
    const byIndex = new Map<number, number[]>();
    this.strings.forEach((string, index) => {
      if (Object.hasOwn(holders, string)) byIndex.set(index, holders[string as Name]);
    });
    if (byIndex.size === 0) return holders;
    const property = this.edgeTypes.indexOf('property');
    for (let ordinal = 0; ordinal < this.nodeCount; ordinal++) {
      for (let edge = this.firstEdge[ordinal]!; edge < this.firstEdge[ordinal + 1]!; edge += this.edgeFieldCount) {
        if (this.edges[edge + this.edgeType] !== property) continue;
        const ids = byIndex.get(this.edges[edge + this.edgeNameOrIndex]!);
        if (ids !== undefined && ids.at(-1) !== this.idOf(ordinal)) ids.push(this.idOf(ordinal));
      }
    }
    return holders;
  }

  /** Ordinals of the nodes with these snapshot ids (`HeapProfiler.getHeapObjectId`); absent ids are left out. */
  ordinalsOf(ids: Iterable<number>): Map<number, number> {
    const wanted = new Set(ids);
    const found = new Map<number, number>();
    for (let ordinal = 0; ordinal < this.nodeCount && found.size < wanted.size; ordinal++) {
      const id = this.idOf(ordinal);
      if (wanted.has(id)) found.set(id, ordinal);
    }
    return found;
  }
}

const enum Phase {
  header,
  nodes,
  seekEdges,
  edges,
  /** Between the edges and the strings: trace and sample arrays, skipped. */
  seekStrings,
  strings,
  done,
}

const NODES_KEY = '"nodes":[';
const EDGES_KEY = '"edges":[';
const STRINGS_KEY = '"strings":[';

/**
 * Feed it the snapshot's chunks in order with {@link push}, then call {@link finish}. Throws a
 * clear error on text that is not a heap snapshot.
 */
export class SnapshotParser {
  #phase = Phase.header;
  /** Text not consumed yet: the header, a key split across chunks, or a string literal in progress. */
  #carry = '';
  #meta: SnapshotMeta | undefined;
  #nodes = new Uint32Array(0);
  #edges = new Uint32Array(0);
  #filled = 0;
  #number = 0;
  #inNumber = false;
  #strings: string[] = [];
  /** Characters received: the snapshot's size. */
  size = 0;

  push(chunk: string): void {
    this.size += chunk.length;
    let text = chunk;
    while (text.length > 0) {
      switch (this.#phase) {
        case Phase.header:
          text = this.#header(text);
          break;
        case Phase.nodes:
        case Phase.edges:
          text = this.#numbers(text);
          break;
        case Phase.seekEdges:
          text = this.#seek(text, EDGES_KEY, Phase.edges);
          break;
        case Phase.seekStrings:
          text = this.#seek(text, STRINGS_KEY, Phase.strings);
          break;
        case Phase.strings:
          text = this.#stringLiterals(text);
          break;
        case Phase.done:
          return;
      }
    }
  }

  finish(): HeapSnapshot {
    if (this.#phase !== Phase.done || this.#meta === undefined) {
      throw new Error(`Trackables: the heap snapshot ended early (${this.size} characters, while reading its ${phaseName(this.#phase)}).`);
    }
    return new HeapSnapshot(this.#meta, this.#nodes, this.#edges, this.#strings);
  }

  #header(text: string): string {
    const all = this.#carry + text;
    const at = all.indexOf(NODES_KEY);
    if (at < 0) {
      if (all.length > 1 << 20) throw new Error('Trackables: not a heap snapshot (no "nodes" array in its first megabyte).');
      this.#carry = all;
      return '';
    }
    this.#carry = '';
    let header: SnapshotHeader;
    try {
      header = JSON.parse(`${all.slice(0, at).replace(/,\s*$/, '')}}`) as SnapshotHeader;
    } catch (error) {
      throw new Error(`Trackables: not a heap snapshot (its header does not parse: ${error instanceof Error ? error.message : String(error)}).`);
    }
    const meta = header.snapshot?.meta;
    if (meta === undefined || !Array.isArray(meta.node_fields) || !Array.isArray(meta.edge_fields)) {
      throw new Error('Trackables: not a heap snapshot (no snapshot.meta with node and edge fields).');
    }
    this.#meta = meta;
    this.#nodes = new Uint32Array(header.snapshot.node_count * meta.node_fields.length);
    this.#edges = new Uint32Array(header.snapshot.edge_count * meta.edge_fields.length);
    this.#phase = Phase.nodes;
    this.#filled = 0;
    return all.slice(at + NODES_KEY.length);
  }

  /** Reads numbers into the current typed array up to its closing bracket. */
  #numbers(text: string): string {
    const target = this.#phase === Phase.nodes ? this.#nodes : this.#edges;
    let filled = this.#filled;
    let number = this.#number;
    let inNumber = this.#inNumber;
    const length = text.length;
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        number = number * 10 + (c - 48);
        inNumber = true;
        continue;
      }
      if (inNumber) {
        if (filled >= target.length) throw new Error(`Trackables: the heap snapshot has more ${phaseName(this.#phase)} than its header says.`);
        target[filled++] = number;
        number = 0;
        inNumber = false;
      }
      if (c === 93 /* ] */) {
        if (filled !== target.length) throw new Error(`Trackables: the heap snapshot has fewer ${phaseName(this.#phase)} than its header says.`);
        this.#filled = 0;
        this.#number = 0;
        this.#inNumber = false;
        this.#phase = this.#phase === Phase.nodes ? Phase.seekEdges : Phase.seekStrings;
        return text.slice(i + 1);
      }
    }
    this.#filled = filled;
    this.#number = number;
    this.#inNumber = inNumber;
    return '';
  }

  #seek(text: string, key: string, next: Phase): string {
    const all = this.#carry + text;
    const at = all.indexOf(key);
    if (at < 0) {
      this.#carry = all.slice(-key.length);
      return '';
    }
    this.#carry = '';
    this.#phase = next;
    return all.slice(at + key.length);
  }

  /** Reads JSON string literals until the strings array closes. */
  #stringLiterals(text: string): string {
    let i = 0;
    const length = text.length;
    while (i < length) {
      if (this.#carry.length > 0) {
        // Inside a literal that began in an earlier chunk.
        const end = closingQuote(text, 0, this.#carry);
        if (end < 0) {
          this.#carry += text;
          return '';
        }
        this.#strings.push(decodeLiteral(this.#carry + text.slice(0, end + 1)));
        this.#carry = '';
        i = end + 1;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === 34 /* " */) {
        const end = closingQuote(text, i + 1, '');
        if (end < 0) {
          this.#carry = text.slice(i);
          return '';
        }
        this.#strings.push(decodeLiteral(text.slice(i, end + 1)));
        i = end + 1;
      } else if (c === 93 /* ] */) {
        this.#phase = Phase.done;
        return '';
      } else {
        i++;
      }
    }
    return '';
  }
}

/**
 * Index of the quote closing a literal, scanning `text` from `from`; `before` is the literal's
 * text so far (its backslashes decide whether the first quote is escaped). -1 if not in `text`.
 */
function closingQuote(text: string, from: number, before: string): number {
  let backslashes = 0;
  for (let k = before.length - 1; k > 0 && before.charCodeAt(k) === 92; k--) backslashes++;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) {
      backslashes++;
      continue;
    }
    if (c === 34 && backslashes % 2 === 0) return i;
    backslashes = 0;
  }
  return -1;
}

function decodeLiteral(literal: string): string {
  return literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
}

function phaseName(phase: Phase): string {
  return ['header', 'nodes', 'edges key', 'edges', 'trace data', 'strings', 'end'][phase]!;
}
