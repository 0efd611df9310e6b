import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeapSnapshot } from 'node:v8';
import { RetainerTree } from './retainer-paths.js';
import { SnapshotParser } from './snapshot-parser.js';

class HeldByTheTest {
  readonly marker = 'held';
}

async function nodeSnapshotText(): Promise<string> {
  let text = '';
  for await (const chunk of getHeapSnapshot()) text += String(chunk);
  return text;
}

function parseInChunks(text: string, sizes: () => number) {
  const parser = new SnapshotParser();
  for (let at = 0; at < text.length; ) {
    const size = sizes();
    parser.push(text.slice(at, at + size));
    at += size;
  }
  return parser.finish();
}

test('a real V8 snapshot parses to the same nodes, edges and strings as JSON.parse, however it is chunked', async () => {
  (globalThis as { __held?: unknown[] }).__held = [new HeldByTheTest()];
  const text = await nodeSnapshotText();
  const expected = JSON.parse(text) as { nodes: number[]; edges: number[]; strings: string[] };
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % 9000 + 1;
  for (const sizes of [() => 65536, random]) {
    const snapshot = parseInChunks(text, sizes);
    assert.deepEqual(Array.from(snapshot.nodes), expected.nodes);
    assert.deepEqual(Array.from(snapshot.edges), expected.edges);
    assert.deepEqual(snapshot.strings, expected.strings);
  }
  delete (globalThis as { __held?: unknown[] }).__held;
});

test('string literals split anywhere, escapes included, decode like JSON.parse', () => {
  const strings = ['plain', 'quote " inside', 'back\\slash', 'uni\u2028code ☃', 'tab\tand\nnewline', '\\"', ''];
  const text = JSON.stringify({
    snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [['hidden']], edge_fields: ['type', 'name_or_index', 'to_node'], edge_types: [['element']] }, node_count: 1, edge_count: 0 },
    nodes: [0, 1, 1, 0, 0],
    edges: [],
    trace_tree: [[1, [2, 3]]],
    strings,
  });
  for (let size = 1; size < 12; size++) assert.deepEqual(parseInChunks(text, () => size).strings, strings);
});

test('what is not a heap snapshot, or ends early, is a clear error', () => {
  assert.throws(() => parseInChunks('{"hello": "world"}', () => 100).nodes, /ended early/);
  const parser = new SnapshotParser();
  assert.throws(() => parser.push('{"snapshot": 3, "nodes":[1]}'), /not a heap snapshot/);
  const truncated = new SnapshotParser();
  truncated.push('{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[[]],"edge_fields":["type","name_or_index","to_node"],"edge_types":[[]]},"node_count":2,"edge_count":0},"nodes":[0,0,1,0,0');
  assert.throws(() => truncated.finish(), /ended early .* while reading its nodes/);
});

test('the retainer tree finds the path from the roots through a global array', async () => {
  (globalThis as { __held?: unknown[] }).__held = [new HeldByTheTest()];
  const snapshot = parseInChunks(await nodeSnapshotText(), () => 1 << 16);
  let held = -1;
  for (let ordinal = 0; ordinal < snapshot.nodeCount; ordinal++) if (snapshot.nameOf(ordinal) === 'HeldByTheTest' && snapshot.typeOf(ordinal) === 'object') held = ordinal;
  assert.ok(held >= 0, 'the instance is in the snapshot');
  const path = new RetainerTree(snapshot).pathTo(held);
  assert.deepEqual(path.slice(-2).map((step) => snapshot.edgeNameOf(step.edge)), ['__held', '0']);
  delete (globalThis as { __held?: unknown[] }).__held;
});
