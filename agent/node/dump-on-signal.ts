import { reportTrackerError } from '../tracker-protocol.js';

/** Options of {@link dumpOnSignal}. */
export interface DumpOnSignalOptions {
  /** The signal to listen for. Default `'SIGUSR2'` (Node keeps `SIGUSR1` for its debugger). */
  signal?: string;
  /** Where the dump goes. Default: standard error, as one write ending in a newline. */
  write?: (text: string) => void;
}

// Typed by hand: the agent is built without Node typings, so the browser entry points cannot
// use Node by accident; this file is reached only through `trackables/node`.
interface NodeProcess {
  on(signal: string, listener: () => void): unknown;
  off(signal: string, listener: () => void): unknown;
  stderr: { write(text: string): unknown };
}

/**
 * Writes `tracker.dump()` whenever the process receives `signal` (`kill -USR2 <pid>`): the table
 * of live and retired instances per type, with changes since the previous dump, from a server
 * that keeps running. Returns a function that removes the handler.
 *
 * ```ts
 * import { Tracker, setGlobalTracker } from 'trackables';
 * import { dumpOnSignal } from 'trackables/node';
 *
 * const tracker = new Tracker();
 * setGlobalTracker(tracker);
 * const stop = dumpOnSignal(tracker);
 * ```
 *
 * Listening for a signal replaces Node's default action for it (for `SIGUSR2`: exiting), as long
 * as the handler is installed. Errors from `dump` or `write` are reported, never thrown.
 */
export function dumpOnSignal(tracker: { dump(): string }, { signal = 'SIGUSR2', write }: DumpOnSignalOptions = {}): () => void {
  if (typeof (tracker as { dump?: unknown } | null)?.dump !== 'function') {
    throw new TypeError('Trackables: dumpOnSignal takes a tracker with a dump() method (a Tracker).');
  }
  if (typeof signal !== 'string' || !/^SIG[A-Z0-9]+$/.test(signal)) {
    throw new TypeError(`Trackables: dumpOnSignal takes a signal name such as 'SIGUSR2', not ${String(signal)}.`);
  }
  if (write !== undefined && typeof write !== 'function') {
    throw new TypeError('Trackables: dumpOnSignal `write` must be a function.');
  }
  const process = (globalThis as { process?: NodeProcess }).process;
  if (typeof process?.on !== 'function') {
    throw new TypeError('Trackables: dumpOnSignal needs Node (a process that receives signals).');
  }
  const output = write ?? ((text: string) => process.stderr.write(`${text}\n`));
  const listener = (): void => {
    try {
      output(tracker.dump());
    } catch (error) {
      reportTrackerError(error);
    }
  };
  process.on(signal, listener);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    process.off(signal, listener);
  };
}
