/*
 * Why is an instance still alive: one heap snapshot, the instances found by serial, one search
 * from the roots, and each instance's path described in the app's terms.
 */
import type { CDPSession, Frame, Page } from '@playwright/test';
import { describePath, type RetainerPath } from './describe-path.js';
import { findHeapIds, SERIAL_METHODS } from './find-instances.js';
import { frameHeap } from './frame-heap.js';
import { listenerTypes } from './listener-types.js';
import { RetainerTree, type RawStep } from './retainer-paths.js';
import { takeSnapshot } from './take-snapshot.js';
import { recordHolders } from './tracked-records.js';

/** What the agent last said about a serial (see SessionState.fate). */
export type Fate = { status: 'live' | 'released' | 'detached' | 'destroyed'; type: string } | { status: 'unknown' };

/** The answer for one serial. */
export type WhyAliveAnswer =
  /** In the heap: `path` is what holds it (null: nothing strong does; the next collection frees it). */
  | { serial: number; status: 'alive'; type: string; path: RetainerPath | null; text: string }
  /** The agent reported it garbage-collected. */
  | { serial: number; status: 'collected'; type: string; text: string }
  /** The agent said it was live (or detached from its tracker) but no such instance is in the heap. */
  | { serial: number; status: 'not-found'; type: string; text: string }
  /** The page's agent never reported this serial. */
  | { serial: number; status: 'unknown'; text: string }
  /** Its frame's heap cannot be reached (an out-of-process iframe without a DevTools session): `text` says why. */
  | { serial: number; status: 'inaccessible'; type: string; text: string };

/** What {@link whyAliveInPage} found, with what the heap snapshot cost. */
export interface WhyAliveReport {
  answers: WhyAliveAnswer[];
  /** Characters of the heap snapshot's JSON; 0 when none was needed. */
  snapshotSize: number;
  /** Wall time of the snapshot (taking and parsing), ms. */
  snapshotMs: number;
}

/**
 * {@link whyAliveInPage} for the agent session `session` of `frame` (undefined: the main frame),
 * through the CDP session that sees that frame's heap: the page's (`pageCdp()`), or an
 * out-of-process iframe's own, opened for the call.
 */
export async function whyAliveInFrame(
  page: Page,
  frame: Frame | undefined,
  pageCdp: () => Promise<CDPSession>,
  serials: readonly number[],
  session: string,
  fate: (serial: number) => Fate,
): Promise<WhyAliveAnswer[]> {
  const heap = await frameHeap(page, frame, pageCdp);
  if ('inaccessible' in heap) {
    return serials.map((serial): WhyAliveAnswer => {
      const known = fate(serial);
      if (known.status === 'unknown') return unknownAnswer(serial);
      return { serial, status: 'inaccessible', type: known.type, text: `${known.type} #${serial}: cannot tell: ${heap.inaccessible}.` };
    });
  }
  try {
    return (await whyAliveInPage(heap.cdp, serials, session, fate)).answers;
  } finally {
    if (heap.own) await heap.cdp.detach().catch(() => undefined);
  }
}

function unknownAnswer(serial: number): WhyAliveAnswer {
  return { serial, status: 'unknown', text: `#${serial}: unknown serial: this page's agent never reported it.` };
}

/**
 * Retainer paths of the instances with `serials` of agent session `session`, in the page (or
 * out-of-process frame) `cdp` is attached to; `fate` says what the session's agent reported about
 * each. Takes one snapshot for all of them (none when none can be alive). Keeps nothing alive:
 * the lookup's remote objects are released.
 */
export async function whyAliveInPage(cdp: CDPSession, serials: readonly number[], session: string, fate: (serial: number) => Fate): Promise<WhyAliveReport> {
  const fates = new Map(serials.map((serial) => [serial, fate(serial)] as const));
  const candidates = serials.filter((serial) => {
    const status = fates.get(serial)!.status;
    return status === 'live' || status === 'released' || status === 'detached';
  });
  const found = new Map<number, RetainerPath | null>();
  let snapshotSize = 0;
  let snapshotMs = 0;
  if (candidates.length > 0) {
    // The snapshot first: it assigns the ids getHeapObjectId answers with, and our own lookup's
    // handles do not exist yet, so they cannot show up as holders.
    const taken = await takeSnapshot(cdp);
    snapshotSize = taken.size;
    snapshotMs = taken.ms;
    const lookup = findHeapIds(cdp, candidates, session, taken.snapshot.holdersOfProperties(SERIAL_METHODS));
    // The path search runs in Node while the lookup waits on the page.
    let tree: RetainerTree;
    try {
      tree = new RetainerTree(taken.snapshot);
    } catch (error) {
      await lookup.catch(() => undefined);
      throw error;
    }
    const objects = await lookup;
    const ordinals = taken.snapshot.ordinalsOf([...objects.values()].map((object) => object.id));
    // A record found by serial stands for the object holding it.
    const records = [...objects.values()].flatMap((object) => (object.record ? [ordinals.get(object.id) ?? -1] : []));
    const holders = recordHolders(taken.snapshot, records);
    const paths = new Map<number, RawStep[] | null>();
    for (const [serial, object] of objects) {
      const node = ordinals.get(object.id);
      const ordinal = object.record && node !== undefined ? holders.get(node) : node;
      if (ordinal !== undefined) paths.set(serial, tree.reachable(ordinal) ? tree.pathTo(ordinal) : null);
    }
    const eventTypes = await listenerTypes(cdp, taken.snapshot, [...paths.values()].filter((path) => path !== null));
    for (const [serial, path] of paths) found.set(serial, path === null ? null : describePath(taken.snapshot, path, eventTypes));
  }
  const answers = serials.map((serial): WhyAliveAnswer => {
    const known = fates.get(serial)!;
    if (known.status === 'unknown') return unknownAnswer(serial);
    const type = known.type;
    const name = `${type ?? 'instance'} #${serial}`;
    if (found.has(serial)) {
      const path = found.get(serial)!;
      return { serial, status: 'alive', type, path, text: `${name} is alive, ${formatPath(path, '')}` };
    }
    if (known.status === 'destroyed') return { serial, status: 'collected', type: known.type, text: `${name}: already collected (garbage-collected; its agent reported it destroyed).` };
    return {
      serial,
      status: 'not-found',
      type: known.type,
      text: `${name}: not in the heap: most likely collected after the agent's last report (call collectGarbage() first).`,
    };
  });
  return { answers, snapshotSize, snapshotMs };
}

/**
 * A path as text: `held by: <first line>`, each further hop on its own line under it, then the
 * harness's fix when the harness holds it. `indent` starts every line after the first.
 */
export function formatPath(path: RetainerPath | null, indent: string): string {
  if (path === null) return 'held by nothing strong (only weak references): the next garbage collection frees it.';
  const lines: string[] = [];
  if (path.harness !== undefined) lines.push(`held by ${path.harness.text}`);
  const [first, ...rest] = path.lines;
  if (path.harness === undefined) lines.push(`held by: ${first ?? '(a GC root)'}`);
  else if (first !== undefined) lines.push(`  → ${first}`);
  for (const line of rest) lines.push(`  → ${line}`);
  if (path.harness !== undefined) lines.push(`  fix: ${path.harness.fix}`);
  return lines.join(`\n${indent}`);
}
