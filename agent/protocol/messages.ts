/*
 * The one description of every message Trackables sends, from the page to the panel:
 *
 *   agent (page) ──window.postMessage──▶ content script ──runtime port──▶ service worker ──port──▶ panel
 *
 * The agent posts AgentMessages; the content script answers with a RelayReady and forwards agent
 * messages unchanged (plus its own RelayDropped notices) and keeps them until the worker
 * acknowledges them as stored (WorkerAck); the service worker wraps them per tab for panels
 * (WorkerToPanel). Everything crossing an extension port must be JSON-serializable:
 * Chrome serializes port messages as JSON, so there are no typed arrays here, and a batch's
 * events travel as one ASCII string (see AgentBatch) rather than an array of numbers.
 * docs/protocol.md describes the same in prose.
 *
 * Each message is declared once, as a valibot schema; its TypeScript type is inferred from it
 * (v.InferOutput), the validator (validate.ts) checks it, and the content script's list of
 * checked fields (AGENT_MESSAGE_FIELDS) is read from it. Add a field here and every one follows.
 * Objects are loose: unknown extra fields pass unchanged, so a newer agent of the same protocol
 * version still gets through.
 */

import * as v from 'valibot';
import { opsProblem } from './ops-check.js';
import { shapeWidths, valuesProblem, type BundleValue } from './bundle-preview.js';
import {
  AGENT_SOURCE,
  MAX_EVENTS_PER_BATCH,
  MAX_ID_LENGTH,
  MAX_OPS_LENGTH,
  MAX_STRINGS_PER_BATCH,
  MAX_VALUES_PER_BATCH,
  PROTOCOL_VERSION,
  RELAY_SOURCE,
} from './wire.js';

export * from './wire.js';

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID_LENGTH));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const time = v.pipe(v.number(), v.finite());
const tabId = v.pipe(v.number(), v.integer());

export const agentEnvelope = {
  source: v.literal(AGENT_SOURCE),
  v: v.literal(PROTOCOL_VERSION),
  /**
   * New on every page load: a reload is a new session. One per window (realm), shared by every
   * copy of the agent in it (agent/post-message/window-session.ts).
   */
  session: id,
  /** One stream: a tracker posting into a window (several copies of the agent give several). */
  frame: id,
};

/** The agent announces itself; sent at start and again when the first relay's ready arrives. */
const helloSchema = v.looseObject({
  ...agentEnvelope,
  kind: v.literal('hello'),
  /** Agent package version. */
  agent: v.string(),
  /** The frame's URL when the agent started. */
  url: v.string(),
  /** Epoch ms (sub-ms precision) of the agent's start. */
  time,
});
export type AgentHello = v.InferOutput<typeof helloSchema>;

/**
 * A batch of lifecycle events, compactly encoded (after React DevTools' operations arrays):
 * strings (type names, bundle JSON texts) are sent once per batch in `strings`, and each event
 * is OP_STRIDE non-negative integers in `ops`:
 *
 *   typeIndex * 8 + (4 if the serial is lower than the previous event's, else 0) + op,
 *   how far the serial moved from the previous event's,
 *   the time's change from the previous event's, in microseconds (never negative),
 *   bundleIndex + 1, or 0 for no bundle
 *
 * (the first event's "previous" serial and time are 0 and t0). `typeIndex` and `bundleIndex`
 * index `strings`; a bundle string is the JSON text of the bundle made safe (bundle-preview.ts),
 * or a shape: then the event's bundle is made of the next values of `values` (docs/protocol.md,
 * "Bundles as values").
 *
 * `ops` is one string, not an array: the page's structured clone, the content script's read and
 * Chrome's JSON for the port then copy one flat string instead of handling 400,000 numbers, which
 * is what kept the pipeline off the page's main-thread budget. Each number is written in base 32,
 * most significant digit first: every digit but the last is a MORE_DIGIT character, the last a
 * LAST_DIGIT one. All are printable ASCII, never `"` or `\`, so JSON and UTF-8 carry them 1:1.
 * Consecutive serials and same-moment events make most events 4 characters.
 *
 * Where an event would start, REPEAT (`!`) and two numbers, a period P (1 to MAX_REPEAT_PERIOD)
 * and a count N, stand for N more events, each with the four numbers of the event P before it
 * (serial and time moved by the same steps, the same bundle string; a shape's events each take
 * values of their own): a loop's events cost a few characters per clock reading instead of 4
 * each. The agent writes it only for readers whose ready lists READS_REPEATS; a batch's first
 * event is never a repeat.
 *
 * Each batch stands alone, so losing one loses only its events.
 */
export const batchShape = v.looseObject({
  ...agentEnvelope,
  kind: v.literal('batch'),
  /** 1, 2, 3… per session: a gap means batches were lost on the way. */
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** Epoch ms (sub-ms precision) that event times are offsets from. */
  t0: time,
  /** Events the agent dropped (buffer full) since the previous batch. */
  dropped: count,
  /** Events in `ops`: counting them needs no decoding. */
  events: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_EVENTS_PER_BATCH)),
  // Length first: v.array walks every element before a maxLength after it could object, and
  // a page can post a sparse array of 10 million holes for the price of a few bytes.
  strings: v.pipe(
    v.custom<unknown[]>(
      (strings) => Array.isArray(strings) && strings.length <= MAX_STRINGS_PER_BATCH,
      `expected an array of at most ${MAX_STRINGS_PER_BATCH} strings`,
    ),
    v.array(v.string()),
  ),
  // Only digit characters: what the content script checks of `ops` (see checkAgentMessageToRelay).
  ops: v.pipe(v.string(), v.maxLength(MAX_OPS_LENGTH), v.regex(/^[!#-B\]-|]*$/, 'expected only the digit and repeat characters of docs/protocol.md')),
  /**
   * The values of bundles sent as values (bundle-preview.ts, shapeText), in event order: absent
   * when no event's bundle is sent as values. Checked here to be JSON primitives (a port could
   * not carry anything else); how many the events take is checked with the events
   * (batchSchema), as `ops` is.
   */
  values: v.optional(
    v.pipe(
      v.custom<unknown[]>(
        (values) => Array.isArray(values) && values.length <= MAX_VALUES_PER_BATCH,
        `expected an array of at most ${MAX_VALUES_PER_BATCH} values`,
      ),
      v.check((values) => valuesProblem(values) === null, 'expected only strings, finite numbers, booleans and null'),
      v.transform((values) => values as BundleValue[]),
    ),
  ),
});
export type AgentBatch = v.InferOutput<typeof batchShape>;

/** A batch with its events walked: indexes in range, serials above 0, the announced count. */
const batchSchema = v.pipe(
  batchShape,
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const { ops, events, strings, values } = dataset.value;
    const problem = opsProblem(ops, events, strings.length, values === undefined ? undefined : { widths: shapeWidths(strings), values: values.length });
    if (problem !== null) addIssue({ message: `ops: ${problem}`, path: undefined });
  }),
);

/** One type's running totals in a {@link AgentTotals}: the counting rule's numbers (type-counts.ts). */
const typeTotalsSchema = v.looseObject({ type: v.string(), live: v.pipe(v.number(), v.integer()), created: count, retired: count });
export type TypeTotals = v.InferOutput<typeof typeTotalsSchema>;

/**
 * A stream's running totals per type, kept by the agent from every event it produced (counters,
 * nothing per instance): a baseline that makes any reader's counts exact whatever it missed (an
 * agent buffer that overflowed before anyone listened, history a worker evicted, batches another
 * reader took). Sent when a relay first answers and whenever a reader asks (ANNOUNCE_KEY).
 *
 * A reader takes the totals as its counts for this stream and counts only the batches after
 * `seq` on top. The agent posts them right after batch `seq`, so the order is the stream's own.
 * Totals with a `seq` below a batch the reader already counted are stale: it ignores them.
 */
const totalsSchema = v.looseObject({
  ...agentEnvelope,
  kind: v.literal('totals'),
  /** The stream's last batch these totals include (0: none was posted yet). */
  seq: count,
  /** Epoch ms (sub-ms precision) when they were taken. */
  time,
  /** Events the stream produced in all: what a reader received of them tells what it missed. */
  events: count,
  /** Events the agent dropped in all (its buffer was full, or posting threw). */
  dropped: count,
  types: v.pipe(
    v.custom<unknown[]>((types) => Array.isArray(types) && types.length <= MAX_STRINGS_PER_BATCH, `expected an array of at most ${MAX_STRINGS_PER_BATCH} types`),
    v.array(typeTotalsSchema),
  ),
});
export type AgentTotals = v.InferOutput<typeof totalsSchema>;

export const agentMessageSchema = v.variant('kind', [helloSchema, batchSchema, totalsSchema]);
/** Every field of agentMessageSchema, but of a batch's `ops` only its length and characters. */
export const agentMessageEnvelopeSchema = v.variant('kind', [helloSchema, batchShape, totalsSchema]);
export type AgentMessage = AgentHello | AgentBatch | AgentTotals;

/** The fields the schemas check, per kind of agent message (what the content script relays as checked). */
export const AGENT_MESSAGE_FIELDS: Record<AgentMessage['kind'], ReadonlySet<string>> = {
  hello: new Set(Object.keys(helloSchema.entries)),
  batch: new Set(Object.keys(batchShape.entries)),
  totals: new Set(Object.keys(totalsSchema.entries)),
};

/** Posted by the content script into the page: it listens and relays. */
export const relayReadySchema = v.looseObject({
  source: v.literal(RELAY_SOURCE),
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal('ready'),
  /**
   * What this reader decodes beyond what every reader of this version does, e.g. READS_REPEATS:
   * the agent writes it from then on. An older relay sends none; an agent that knows no entry
   * ignores it.
   */
  reads: v.optional(v.array(v.string())),
});
export type RelayReady = v.InferOutput<typeof relayReadySchema>;

/** Sent by the content script to the worker: agent messages it could not keep (buffer full). */
const relayDroppedSchema = v.looseObject({
  source: v.literal(RELAY_SOURCE),
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal('relay-dropped'),
  /** Messages (not events) dropped since the previous notice, and the events they held. */
  messages: count,
  events: count,
  /** Agent-tagged window messages that failed validation since the previous notice. */
  invalid: v.optional(count),
});
export type RelayDropped = v.InferOutput<typeof relayDroppedSchema>;

/** What travels on a page port (content script → worker), once the worker unfolded a batch's runs (extension/ops-runs.ts). */
export const pageToWorkerSchema = v.union([agentMessageSchema, relayDroppedSchema]);
export type PageToWorker = AgentMessage | RelayDropped;

/**
 * Worker → content script, on the page port: the first `count` messages the content script sent
 * on this port are stored (chrome.storage.session), so it may forget them. A stopped worker loses
 * what it had not stored yet, so the content script sends everything not acknowledged again on
 * its next port; the worker drops batches it already has, so a resend never counts twice.
 */
export const workerAckSchema = v.looseObject({ kind: v.literal('ack'), count });
export type WorkerAck = v.InferOutput<typeof workerAckSchema>;
/** What travels on a page port the other way (worker → content script). */
export type WorkerToPage = WorkerAck;

/** Where a message came from, as the worker knows it from the port's sender. */
const originSchema = v.object({
  tabId,
  /** Chrome's frame id: 0 for the top frame. */
  frameId: v.pipe(v.number(), v.integer()),
});
export type Origin = v.InferOutput<typeof originSchema>;

/** Counters every bounded buffer keeps; the panel shows them. */
const dropCountersSchema = v.object({
  /** Events the agent dropped because nobody was listening and its buffer was full. */
  agentEvents: count,
  /** Messages the content script dropped while the worker was away and its buffer was full. */
  relayMessages: count,
  /** Messages the worker evicted from this tab's history (its bound was reached). */
  historyMessages: count,
  /** Messages that failed validation at any boundary. */
  invalidMessages: count,
});
export type DropCounters = v.InferOutput<typeof dropCountersSchema>;

/** Drop counters with nothing dropped. */
export function noDrops(): DropCounters {
  return { agentEvents: 0, relayMessages: 0, historyMessages: 0, invalidMessages: 0 };
}

/** Panel → worker: show me this tab (sent on connect and on every reconnect). */
export const panelSubscribeSchema = v.looseObject({
  kind: v.literal('subscribe'),
  tabId,
  /** Sessions and last `seq` the panel already has, so a reconnect replays only what is new. */
  have: v.array(v.object({ session: id, frame: id, seq: count })),
});
export type PanelSubscribe = v.InferOutput<typeof panelSubscribeSchema>;

/**
 * Panel → worker, on its port: my counts may miss events (I just got the history, or batches went
 * missing), ask the agents in my tab for their totals. The worker passes it to the tab's content
 * scripts as a WorkerAnnounce; each dispatches ANNOUNCE_EVENT in its frame.
 */
export const panelAnnounceSchema = v.looseObject({ kind: v.literal('announce') });
export type PanelAnnounce = v.InferOutput<typeof panelAnnounceSchema>;

/** What travels on a panel port (panel → worker). */
export const panelToWorkerSchema = v.variant('kind', [panelSubscribeSchema, panelAnnounceSchema]);
export type PanelToWorker = PanelSubscribe | PanelAnnounce;

/** Worker → every content script of a tab (runtime messaging, not a port): dispatch ANNOUNCE_EVENT. */
export const workerAnnounceSchema = panelAnnounceSchema;
export type WorkerAnnounce = PanelAnnounce;

/** Worker → panel: one relayed message, stamped with its origin. */
const workerRelaySchema = v.looseObject({ kind: v.literal('relay'), origin: originSchema, message: pageToWorkerSchema });
export type WorkerRelay = v.InferOutput<typeof workerRelaySchema>;

/** Worker → panel: the tab's history since the page loaded, then live relays follow. */
const workerHistorySchema = v.looseObject({
  kind: v.literal('history'),
  tabId,
  entries: v.array(v.object({ origin: originSchema, message: pageToWorkerSchema })),
  drops: dropCountersSchema,
});
export type WorkerHistory = v.InferOutput<typeof workerHistorySchema>;

/** Worker → panel: the tab navigated or closed. */
const workerTabEventSchema = v.looseObject({
  kind: v.literal('tab'),
  tabId,
  event: v.picklist(['navigated', 'closed']),
  url: v.optional(v.string()),
});
export type WorkerTabEvent = v.InferOutput<typeof workerTabEventSchema>;

export const workerToPanelSchema = v.variant('kind', [workerRelaySchema, workerHistorySchema, workerTabEventSchema]);
export type WorkerToPanel = WorkerRelay | WorkerHistory | WorkerTabEvent;

/**
 * What the panel checks of its own worker's messages: every field of workerToPanelSchema, but of
 * a batch's `ops` only its length and characters, as the content script checks. The worker walked
 * the events before storing them; the panel walks them once, applying them.
 */
const pageToWorkerEnvelopeSchema = v.union([agentMessageEnvelopeSchema, relayDroppedSchema]);
export const workerToPanelEnvelopeSchema = v.variant('kind', [
  v.looseObject({ ...workerRelaySchema.entries, message: pageToWorkerEnvelopeSchema }),
  v.looseObject({ ...workerHistorySchema.entries, entries: v.array(v.object({ origin: originSchema, message: pageToWorkerEnvelopeSchema })) }),
  workerTabEventSchema,
]);

/**
 * Panel → worker, by runtime.sendMessage (not the port): what may this extension do here? The
 * panel asks the worker because a DevTools panel in Firefox has no permissions API.
 */
export const panelCapabilitiesQuerySchema = v.looseObject({ kind: v.literal('capabilities') });
export type PanelCapabilitiesQuery = v.InferOutput<typeof panelCapabilitiesQuerySchema>;

/** Worker → panel, the answer to a PanelCapabilitiesQuery. */
export const workerCapabilitiesSchema = v.looseObject({
  kind: v.literal('capabilities'),
  /**
   * The content script may run on every site. Firefox lets the user withhold an MV3 add-on's
   * host access (and grants it only on request); without it no page can reach the panel.
   */
  allSites: v.boolean(),
  /**
   * The browser knows the "debugger" permission (Chrome: a build that lists it can force a
   * GC); false where extensions have no debugger API at all (Firefox).
   */
  debuggerPermission: v.boolean(),
});
export type WorkerCapabilities = v.InferOutput<typeof workerCapabilitiesSchema>;

/**
 * One string naming a (session, frame) stream, for maps and sets. The length prefix keeps it
 * unambiguous whatever characters the page put in its ids.
 */
export function streamKey(session: string, frame: string): string {
  return `${session.length}:${session}${frame}`;
}
