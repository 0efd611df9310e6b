/*
 * Objects tracked with `track()` or `@trackable` carry their serial in a record (TrackingRecord)
 * stamped on them in a private field, or, where an engine refuses the field, kept in a WeakMap
 * keyed by them. The lookup finds the record by serial; the heap snapshot says whose it is.
 */
import type { HeapSnapshot } from './snapshot-parser.js';

/**
 * V8 names each WeakMap entry's edges (from the table and from the key) `<n> / part of key
 * (<name> @<id>) -> value (<name> @<id>) pair in WeakMap (table @<id>)`.
 */
const EPHEMERON = /^(?:\d+ \/ )?part of key \(.*? @(\d+)\) -> value \(/;

/**
 * The tracked object of each record (by ordinal): the object holding it in a private field (a
 * property edge whose name starts with `#`, minified or not), else the WeakMap key it is the
 * value of. Records with neither are left out. One pass over the edges.
 */
export function recordHolders(s: HeapSnapshot, records: Iterable<number>): Map<number, number> {
  const wanted = new Set(records);
  const holders = new Map<number, number>();
  const keyIds = new Map<number, number>();
  if (wanted.size === 0) return holders;
  const property = s.edgeTypes.indexOf('property');
  const internal = s.edgeTypes.indexOf('internal');
  for (let from = 0; from < s.nodeCount; from++) {
    const end = s.firstEdge[from + 1]!;
    for (let edge = s.firstEdge[from]!; edge < end; edge += s.edgeFieldCount) {
      const to = s.edges[edge + s.edgeToNode]! / s.nodeFieldCount;
      if (!wanted.has(to)) continue;
      const type = s.edges[edge + s.edgeType];
      const name = s.strings[s.edges[edge + s.edgeNameOrIndex]!] ?? '';
      if (type === property && name.startsWith('#')) holders.set(to, from);
      else if (type === internal && !keyIds.has(to)) {
        const key = EPHEMERON.exec(name);
        if (key !== null) keyIds.set(to, Number(key[1]));
      }
    }
  }
  const pending = [...keyIds].filter(([record]) => !holders.has(record));
  if (pending.length > 0) {
    const ordinals = s.ordinalsOf(pending.map(([, id]) => id));
    for (const [record, id] of pending) {
      const key = ordinals.get(id);
      if (key !== undefined) holders.set(record, key);
    }
  }
  return holders;
}
