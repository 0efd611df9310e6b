import { BatchEncoder, encodeOps } from '../../agent/protocol/encode.js';
import {
  AGENT_SOURCE,
  noDrops,
  Op,
  PROTOCOL_VERSION,
  type AgentBatch,
  type AgentHello,
  type AgentTotals,
  type DropCounters,
  type PageToWorker,
  type WorkerToPanel,
} from '../../agent/protocol/messages.js';

/** Valid agent messages for tests. */
export function hello(session: string, frame = 'f1', url = 'https://app.test/', time = 1000): AgentHello {
  return { source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'hello', session, frame, agent: '0.1.0', url, time };
}

/** A batch of `events` "attached" events of one type. */
export function batch(session: string, seq: number, events = 1, frame = 'f1', dropped = 0): AgentBatch {
  const numbers: number[] = [];
  for (let i = 0; i < events; i++) numbers.push(0, i + 1, i, -1);
  return { source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'batch', session, frame, seq, t0: 1000, dropped, strings: ['Widget'], ...encodeOps(numbers) };
}

/** An agent's running totals after batch `seq`: `types` maps a name to [live, created, retired]. */
export function totals(
  session: string,
  seq: number,
  types: Record<string, [live: number, created: number, retired: number]>,
  { frame = 'f1', events = 0, dropped = 0, time = 2_000 + seq }: { frame?: string; events?: number; dropped?: number; time?: number } = {},
): AgentTotals {
  return {
    source: AGENT_SOURCE,
    v: PROTOCOL_VERSION,
    kind: 'totals',
    session,
    frame,
    seq,
    time,
    events,
    dropped,
    types: Object.entries(types).map(([type, [live, created, retired]]) => ({ type, live, created, retired })),
  };
}

/** One event of {@link eventBatch}: what happened, to which serial of which type, with which bundle text. */
export type TestEvent = [op: keyof typeof Op, serial: number, type: string, bundle?: string];

/**
 * A batch of the given events, encoded by the agent's own encoder; event times are t0, t0 + 1 ms…
 * (t0 defaults to 1000 + seq).
 */
export function eventBatch(
  session: string,
  seq: number,
  events: readonly TestEvent[],
  { frame = 'f1', dropped = 0, t0 = 1_000 + seq }: { frame?: string; dropped?: number; t0?: number } = {},
): AgentBatch {
  let clock = t0;
  const encoder = new BatchEncoder(() => clock++, 1);
  for (const [op, serial, type, bundle] of events) encoder.add(Op[op], serial, type, bundle);
  const built = encoder.take(session, frame, seq, dropped);
  return built ?? { source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'batch', session, frame, seq, t0, dropped, events: 0, strings: [], ops: '' };
}

/** The worker relaying `message` from `frameId` of tab `tabId` to a panel. */
export function relay(message: PageToWorker, tabId: number, frameId = 0): WorkerToPanel {
  return { kind: 'relay', origin: { tabId, frameId }, message };
}

/** The worker's history of tab `tabId`, every message from its top frame. */
export function history(tabId: number, messages: readonly PageToWorker[], drops: DropCounters = noDrops()): WorkerToPanel {
  return { kind: 'history', tabId, entries: messages.map((message) => ({ origin: { tabId, frameId: 0 }, message })), drops };
}
