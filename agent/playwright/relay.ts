/*
 * The in-page half of the Playwright helper: a relay like the extension's content script, but
 * forwarding to Node through a Playwright binding. It is serialized with Function.prototype
 * .toString and run in the page, so it must not refer to anything outside itself: constants
 * come in as its argument.
 */

/** What the relay needs to know, passed from Node. */
export interface RelayConfig {
  /** Name of the exposed binding; unique per attachment, so several can coexist. */
  binding: string;
  agentSource: string;
  relaySource: string;
  /** `source` tag of the helper's own flush markers (see `marker`). */
  markerSource: string;
  version: number;
  /** What the helper decodes beyond the version's base (RelayReady's `reads`). */
  reads: string[];
}

/** What the relay passes to the binding. */
export type RelayCall = { kind: 'message'; data: unknown } | { kind: 'marker'; id: number };

// The page's window as far as the relay uses it: the agent's build has no DOM library.
interface RelayWindow {
  addEventListener(type: 'message', listener: (event: { source: unknown; data: unknown }) => void): void;
  postMessage(message: unknown, targetOrigin: string): void;
}

type Relays = Record<string, { stopped: boolean } | undefined>;

/** Installs the relay in the current document, once per binding. */
export function installRelay(config: RelayConfig): void {
  const page = globalThis as unknown as RelayWindow & { [key: symbol]: Relays | undefined };
  const registry = Symbol.for('trackables.playwright.relays');
  const relays: Relays = (page[registry] ??= {});
  // addInitScript and evaluate can both run in the same document.
  if (relays[config.binding] !== undefined) return;
  const state = { stopped: false };
  relays[config.binding] = state;
  const send = (call: RelayCall): void => {
    const binding = (page as unknown as Record<string, ((call: RelayCall) => unknown) | undefined>)[config.binding];
    // The promise rejects when the page closes under us: nothing to tell anyone then.
    if (typeof binding === 'function') Promise.resolve(binding(call)).catch(() => undefined);
  };
  const ready = { source: config.relaySource, v: config.version, kind: 'ready', reads: config.reads };
  const answered = new Set<string>();
  page.addEventListener('message', (event) => {
    if (state.stopped || event.source !== page) return;
    const data = event.data as { source?: unknown; kind?: unknown; session?: unknown; frame?: unknown; id?: unknown } | null;
    if (typeof data !== 'object' || data === null) return;
    if (data.source === config.markerSource) {
      send({ kind: 'marker', id: Number(data.id) });
      return;
    }
    if (data.source !== config.agentSource) return;
    send({ kind: 'message', data });
    // Answer each agent's first hello only: an agent says hello again when it hears a ready.
    if (data.kind === 'hello') {
      const agent = `${String(data.session)} ${String(data.frame)}`;
      if (answered.has(agent)) return;
      // Bounded like the content script's: a page that invents sessions cannot grow it.
      if (answered.size >= 64) answered.clear();
      answered.add(agent);
      page.postMessage(ready, '*');
    }
  });
  // An agent that started before us has been buffering; this tells it to send what it has.
  page.postMessage(ready, '*');
}

/** Stops a relay installed in the current document (the page keeps the listener, idle). */
export function stopRelay(binding: string): void {
  const relays = (globalThis as unknown as { [key: symbol]: Relays | undefined })[Symbol.for('trackables.playwright.relays')];
  const state = relays?.[binding];
  if (state !== undefined) state.stopped = true;
}

/**
 * Posts a flush marker behind everything already posted in the window, after two macrotask turns,
 * when this document has a running relay for `binding` (else nothing would bring it back: false).
 */
export async function postMarker(args: { markerSource: string; id: number; binding: string }): Promise<boolean> {
  const page = globalThis as unknown as RelayWindow & { setTimeout(callback: () => void, ms: number): unknown } & { [key: symbol]: Relays | undefined };
  const relay = page[Symbol.for('trackables.playwright.relays')]?.[args.binding];
  if (relay === undefined || relay.stopped) return false;
  // Finalization callbacks and the agent's microtask flush run in earlier tasks than these.
  for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => page.setTimeout(resolve, 0));
  page.postMessage({ source: args.markerSource, id: args.id }, '*');
  return true;
}

type Sentinel = { fired: boolean; done: Promise<void>; registry: unknown };

/**
 * Registers an object nothing refers to with a registry of its own: its finalization shows that
 * a full collection ran and that the page has started running finalization callbacks.
 */
export function armSentinel(key: string): void {
  const page = globalThis as unknown as { [key: symbol]: Sentinel | undefined };
  let fire = (): void => undefined;
  const sentinel: Sentinel = { fired: false, done: new Promise<void>((resolve) => (fire = resolve)), registry: undefined };
  // The registry must stay reachable, or its callbacks never run.
  const registry = new FinalizationRegistry<number>(() => {
    sentinel.fired = true;
    fire();
  });
  registry.register({}, 0);
  sentinel.registry = registry;
  page[Symbol.for(key)] = sentinel;
}

/** Whether the sentinel was finalized, waiting for it at most `turns` macrotask turns. */
export async function sentinelFired(args: { key: string; turns: number }): Promise<boolean> {
  const page = globalThis as unknown as { [key: symbol]: Sentinel | undefined; setTimeout(callback: () => void, ms: number): unknown };
  const sentinel = page[Symbol.for(args.key)];
  if (sentinel === undefined) return false;
  for (let turn = 0; turn < args.turns && !sentinel.fired; turn++) {
    await Promise.race([sentinel.done, new Promise<void>((resolve) => page.setTimeout(resolve, 0))]);
  }
  return sentinel.fired;
}

/**
 * The source text that runs `fn(arg)` in the page. The functions above travel as their own
 * source text; transpilers that run this module from TypeScript (tsx, esbuild with keepNames)
 * insert calls to a `__name` helper that does not exist in the page, so one is provided.
 */
export function pageScript<Arg>(fn: (arg: Arg) => unknown, arg: Arg): string {
  return `(() => { const __name = (target) => target; return (${fn.toString()})(${JSON.stringify(arg)}); })()`;
}
