import type { PanelToWorker } from '../agent/protocol/messages.js';
import type { PanelStore } from './store/panel-store.js';

/** The part of chrome.runtime.Port the panel uses. */
export interface PanelPort {
  postMessage(message: PanelToWorker): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Longest wait between attempts when the worker keeps refusing. */
export const MAX_BACKOFF_MS = 5_000;
const FIRST_BACKOFF_MS = 100;

/** Wait before the next attempt, after `failures` connections in a row that delivered nothing. */
export function backoff(failures: number): number {
  return failures <= 1 ? 0 : Math.min(FIRST_BACKOFF_MS * 2 ** (failures - 2), MAX_BACKOFF_MS);
}

/**
 * Keeps the panel subscribed to its tab. MV3 stops idle service workers, which drops the port:
 * the panel reconnects at once and subscribes again with `have`, so the worker replays only
 * what the store lacks. A connection that ends before delivering anything counts as a failure;
 * repeated failures (the extension reloading, a worker that throws) back off up to
 * MAX_BACKOFF_MS instead of spinning. Returns a function that stops it all.
 */
export function keepConnected(store: PanelStore, connect: () => PanelPort, timers: Timers = globalThis): () => void {
  let port: PanelPort | null = null;
  let failures = 0;
  let retry: unknown = null;
  let stopped = false;

  const attempt = (): void => {
    retry = null;
    if (stopped) return;
    let delivered = false;
    const ended = (): void => {
      if (port !== current) return;
      port = null;
      failures = delivered ? 1 : failures + 1;
      store.setConnection('reconnecting');
      const wait = backoff(failures);
      if (wait === 0) attempt();
      else retry = timers.setTimeout(attempt, wait);
    };
    let current: PanelPort | null = null;
    try {
      current = connect();
      port = current;
      current.onMessage.addListener((message) => {
        if (port !== current) return;
        delivered = true;
        store.setConnection('connected');
        store.receive(message);
      });
      current.onDisconnect.addListener(ended);
      const asking = current;
      store.askForTotals = () => {
        try {
          if (port === asking) asking.postMessage({ kind: 'announce' });
        } catch {
          // The port died: the next connection's history asks again.
        }
      };
      current.postMessage({ kind: 'subscribe', tabId: store.tabId, have: store.have() });
    } catch {
      // connect() throws once the extension context is gone; postMessage on a port that
      // already died. Either way: try again later.
      ended();
    }
  };

  attempt();
  return () => {
    stopped = true;
    if (retry !== null) timers.clearTimeout(retry);
    const last = port;
    port = null;
    last?.disconnect();
  };
}
