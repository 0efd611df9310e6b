import { useState } from 'react';

type State = { kind: 'idle' } | { kind: 'working' } | { kind: 'done'; time: number } | { kind: 'unavailable' } | { kind: 'failed'; message: string };

/**
 * Forces a full GC in the inspected tab through the Chrome debugger protocol, so destroyed
 * events arrive now rather than whenever the page's heap next fills. That needs the "debugger"
 * permission, which Chrome does not let an extension ask for at run time (listed in
 * optional_permissions it is dropped, and chrome.permissions.request answers "Only permissions
 * specified in the manifest may be requested"). So the default build (dist/extension) explains
 * how to collect from DevTools instead, and dist/extension-gc, the same extension with
 * "debugger" in its permissions, collects. Firefox gives extensions no debugger API at all
 * (`debuggerPermission` false, probed by the worker): there the panel says where Firefox collects.
 */
export function CollectGarbage({ tabId, debuggerPermission }: { tabId: number; debuggerPermission: boolean }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const collect = async (): Promise<void> => {
    // chrome.debugger exists only with the permission.
    if (chrome.debugger === undefined) return setState({ kind: 'unavailable' });
    setState({ kind: 'working' });
    const target = { tabId };
    try {
      await chrome.debugger.attach(target, '1.3');
      try {
        await forceFullGc(target);
      } finally {
        await chrome.debugger.detach(target);
      }
      setState({ kind: 'done', time: Date.now() });
    } catch (error) {
      setState({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <>
      <button type="button" onClick={() => void collect()} disabled={state.kind === 'working'} title="Force a full garbage collection in the inspected page">
        Collect garbage
      </button>
      {state.kind === 'done' && <span className="muted">Collected at {new Date(state.time).toLocaleTimeString()}</span>}
      {(state.kind === 'unavailable' || state.kind === 'failed') && (
        <div className="gc-banner" role="alert">
          {state.kind === 'unavailable' && !debuggerPermission ? (
            <div>
              <p>The panel cannot force a collection: this browser gives extensions no debugger API to ask for one.</p>
              <p>
                Collect from the browser instead: open about:memory in a tab and press “GC” under “Free memory”. Destroyed events
                then reach the panel.
              </p>
            </div>
          ) : (
            <div>
              <p>
                {state.kind === 'unavailable'
                  ? 'The panel cannot force a collection: that needs the “debugger” permission, which this extension does not have (Chrome grants it only at install, never on request).'
                  : `Could not force a collection: ${state.message}`}
              </p>
              <p>
                With it, the panel would attach Chrome's debugger to the inspected tab for a moment to ask for a full garbage collection, and
                Chrome would show its “started debugging this browser” bar meanwhile. Instead, collect from DevTools: the Memory panel's
                “Collect garbage” button (the bin icon), or the Performance panel's. Or load the build that has the permission,
                dist/extension-gc, in place of this one.
              </p>
            </div>
          )}
          <button type="button" onClick={() => setState({ kind: 'idle' })} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
    </>
  );
}

const GROUP = 'trackables-collect-garbage';

/**
 * Extensions may not use the HeapProfiler domain ("'HeapProfiler.collectGarbage' wasn't found"),
 * but V8 runs a full collection before answering Runtime.queryObjects. Queried with a fresh
 * object as the prototype, nothing matches, so the answer costs nothing to build.
 */
async function forceFullGc(target: chrome.debugger.Debuggee): Promise<void> {
  const evaluated = (await chrome.debugger.sendCommand(target, 'Runtime.evaluate', { expression: '({})', objectGroup: GROUP })) as {
    result: { objectId?: string };
  };
  try {
    await chrome.debugger.sendCommand(target, 'Runtime.queryObjects', { prototypeObjectId: evaluated.result.objectId, objectGroup: GROUP });
  } finally {
    await chrome.debugger.sendCommand(target, 'Runtime.releaseObjectGroup', { objectGroup: GROUP });
  }
}
