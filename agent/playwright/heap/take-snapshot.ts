import type { CDPSession } from '@playwright/test';
import { SnapshotParser, type HeapSnapshot } from './snapshot-parser.js';

/** A heap snapshot of the page and what it cost. */
export interface TakenSnapshot {
  snapshot: HeapSnapshot;
  /** Characters of the snapshot's JSON. */
  size: number;
  /** Wall time to take and parse it, ms. */
  ms: number;
}

/**
 * Takes a heap snapshot over CDP, parsing its chunks as they arrive. V8 collects garbage before
 * writing it and assigns every object its snapshot id, so `HeapProfiler.getHeapObjectId` works
 * from then on.
 */
export async function takeSnapshot(cdp: CDPSession): Promise<TakenSnapshot> {
  const started = Date.now();
  const parser = new SnapshotParser();
  let failure: unknown;
  const onChunk = ({ chunk }: { chunk: string }): void => {
    if (failure !== undefined) return;
    try {
      parser.push(chunk);
    } catch (error) {
      failure = error;
    }
  };
  await cdp.send('HeapProfiler.enable');
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  }
  if (failure !== undefined) throw failure;
  const snapshot = parser.finish();
  return { snapshot, size: parser.size, ms: Date.now() - started };
}
