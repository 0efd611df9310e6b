import { useEffect, useState } from 'react';
import type { PanelCapabilitiesQuery, WorkerCapabilities } from '../agent/protocol/messages.js';
import { checkWorkerCapabilities } from '../agent/protocol/validate.js';

/**
 * Asks the worker what the extension may do here (see WorkerCapabilities). Null while unknown:
 * before the answer, and outside an extension (the viewer as plain files). Asked again whenever
 * the panel is shown, since the user may have granted access meanwhile.
 */
export function useCapabilities(): [WorkerCapabilities | null, () => void] {
  const [answer, setAnswer] = useState<WorkerCapabilities | null>(null);
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    let current = true;
    void askWorker().then((value) => current && setAnswer(value));
    const again = (): void => {
      if (document.visibilityState === 'visible') setAsked((count) => count + 1);
    };
    document.addEventListener('visibilitychange', again);
    return () => {
      current = false;
      document.removeEventListener('visibilitychange', again);
    };
  }, [asked]);
  return [answer, () => setAsked((count) => count + 1)];
}

async function askWorker(): Promise<WorkerCapabilities | null> {
  const runtime = (globalThis as { chrome?: { runtime?: { sendMessage?: (message: PanelCapabilitiesQuery) => Promise<unknown> } } }).chrome?.runtime;
  if (runtime?.sendMessage === undefined) return null;
  try {
    return readCapabilities(await runtime.sendMessage({ kind: 'capabilities' }));
  } catch {
    // The worker is restarting or the extension reloading: unknown, as before asking.
    return null;
  }
}

/**
 * The worker's answer, checked: anything but a well-formed WorkerCapabilities is unknown (null),
 * as before asking, and the reason goes to the console rather than into the views.
 */
export function readCapabilities(answer: unknown): WorkerCapabilities | null {
  const checked = checkWorkerCapabilities(answer);
  if (checked.ok) return checked.message;
  console.warn(`Trackables: ignored a malformed capabilities answer from the worker (${checked.reason})`);
  return null;
}

/**
 * Asks the user for access to every site, where this page may ask (an extension tab; a DevTools
 * panel in Firefox has no permissions API). Undefined where it cannot.
 */
export function requestAllSites(): (() => Promise<boolean>) | undefined {
  const permissions = (globalThis as { chrome?: { permissions?: { request?: (p: { origins: string[] }) => Promise<boolean> } } }).chrome?.permissions;
  const request = permissions?.request;
  if (request === undefined) return undefined;
  return () => request.call(permissions, { origins: ['<all_urls>'] }).catch(() => false);
}
