/*
 * The event type of each event listener on a path. A heap snapshot does not have it: Blink keeps
 * a target's listeners by type in a vector of (AtomicString, listeners) pairs, and atomic strings
 * are no heap nodes; the snapshot shows `EventTargetData → … → RegisteredEventListener →
 * EventListener → V8EventListener → function` and nothing else (measured, Chromium 156). The
 * DevTools protocol has it: `DOMDebugger.getEventListeners` of the target lists each listener's
 * type and handler, and the handler's heap id names the function on the path.
 */
import type { CDPSession } from '@playwright/test';
import { isEventTarget, isListenerStep } from './describe-path.js';
import type { RawStep } from './retainer-paths.js';
import type { HeapSnapshot } from './snapshot-parser.js';

const OBJECT_GROUP = 'trackables-listener-types';

/**
 * The event type of each listener function (by ordinal) that holds something on one of `paths`.
 * A target the protocol cannot reach, or a listener it does not list, leaves its functions out.
 */
export async function listenerTypes(cdp: CDPSession, s: HeapSnapshot, paths: Iterable<readonly RawStep[]>): Promise<Map<number, string>> {
  // By target: the listener functions on paths under it.
  const wanted = new Map<number, Set<number>>();
  for (const steps of paths) {
    let target = -1;
    for (const step of steps) {
      if (s.typeOf(step.from) === 'native' && isEventTarget(s, step.from)) target = step.from;
      if (target >= 0 && isListenerStep(s, step)) {
        let functions = wanted.get(target);
        if (functions === undefined) wanted.set(target, (functions = new Set()));
        functions.add(step.to);
      }
    }
  }
  const types = new Map<number, string>();
  if (wanted.size === 0) return types;
  try {
    for (const [target, functions] of wanted) {
      const byId = new Map([...functions].map((ordinal) => [s.idOf(ordinal), ordinal]));
      try {
        const { result } = await cdp.send('HeapProfiler.getObjectByHeapObjectId', { objectId: String(s.idOf(target)), objectGroup: OBJECT_GROUP });
        if (result.objectId === undefined) continue;
        const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
        const handlers = listeners.filter((listener) => listener.handler?.objectId !== undefined);
        const ids = await Promise.all(handlers.map((listener) => cdp.send('HeapProfiler.getHeapObjectId', { objectId: listener.handler!.objectId! })));
        handlers.forEach((listener, index) => {
          const ordinal = byId.get(Number(ids[index]!.heapSnapshotObjectId));
          if (ordinal !== undefined) types.set(ordinal, listener.type);
        });
      } catch {
        // Gone since the snapshot, or no event target the protocol knows: the path says "event listener".
      }
    }
  } finally {
    await cdp.send('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP }).catch(() => undefined);
  }
  return types;
}
