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
 */

/** Bumped on any incompatible change; receivers drop messages of other versions (counted). */
export const PROTOCOL_VERSION = 2;

/** `source` tag of messages the agent posts into its window. */
export const AGENT_SOURCE = 'trackables-agent';
/** `source` tag of messages the content script posts back into the page. */
export const RELAY_SOURCE = 'trackables-relay';

/**
 * The page global through which DevTools reaches instances (agent/post-message/devtools-hook.ts):
 * the panel's "Reveal in Console" evaluates a call to its `find(session, serial, type)`.
 */
export const DEVTOOLS_HOOK = '__TRACKABLES_DEVTOOLS_HOOK__';

/** Port names: content script → worker, panel → worker. */
export const PAGE_PORT = 'trackables-page';
export const PANEL_PORT = 'trackables-panel';

/** Lifecycle operations, as encoded in a batch. */
export const Op = { attached: 0, detached: 1, updated: 2, destroyed: 3 } as const;
export type Op = (typeof Op)[keyof typeof Op];
export const OP_NAMES = ['attached', 'detached', 'updated', 'destroyed'] as const;
export type OpName = (typeof OP_NAMES)[number];

/** Numbers per event in `AgentBatch.ops`. */
export const OP_STRIDE = 4;
/** Digit characters of `AgentBatch.ops`: a number's last digit, then the digits before it. */
export const LAST_DIGIT = 0x23; // '#' … 'B'
export const MORE_DIGIT = 0x5d; // ']' … '|'
/** Values per digit: each digit character carries 5 bits. */
export const DIGIT_BASE = 32;
/** Upper bounds the validator enforces; the agent flushes long before reaching them. */
export const MAX_EVENTS_PER_BATCH = 100_000;
export const MAX_STRINGS_PER_BATCH = MAX_EVENTS_PER_BATCH + 1024;
/** Characters of `ops` at most: 11 digits carry any safe integer, OP_STRIDE numbers per event. */
export const MAX_OPS_LENGTH = MAX_EVENTS_PER_BATCH * OP_STRIDE * 11;
export const MAX_ID_LENGTH = 64;

interface AgentEnvelope {
  source: typeof AGENT_SOURCE;
  v: typeof PROTOCOL_VERSION;
  /** New on every page load (every agent start): a reload is a new session. */
  session: string;
  /** Tells frames apart: one per window (realm) running the agent. */
  frame: string;
}

/** The agent announces itself; sent at start and again when the first relay's ready arrives. */
export interface AgentHello extends AgentEnvelope {
  kind: 'hello';
  /** Agent package version. */
  agent: string;
  /** The frame's URL when the agent started. */
  url: string;
  /** Epoch ms (sub-ms precision) of the agent's start. */
  time: number;
}

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
 * index `strings`; a bundle string is the JSON text of the bundle made safe (bundle-preview.ts).
 *
 * `ops` is one string, not an array: the page's structured clone, the content script's read and
 * Chrome's JSON for the port then copy one flat string instead of handling 400,000 numbers, which
 * is what kept the pipeline off the page's main-thread budget. Each number is written in base 32,
 * most significant digit first: every digit but the last is a MORE_DIGIT character, the last a
 * LAST_DIGIT one. All are printable ASCII, never `"` or `\`, so JSON and UTF-8 carry them 1:1.
 * Consecutive serials and same-moment events make most events 4 characters.
 *
 * Each batch stands alone, so losing one loses only its events.
 */
export interface AgentBatch extends AgentEnvelope {
  kind: 'batch';
  /** 1, 2, 3… per session: a gap means batches were lost on the way. */
  seq: number;
  /** Epoch ms (sub-ms precision) that event times are offsets from. */
  t0: number;
  /** Events the agent dropped (buffer full) since the previous batch. */
  dropped: number;
  /** Events in `ops`: counting them needs no decoding. */
  events: number;
  strings: string[];
  ops: string;
}

export type AgentMessage = AgentHello | AgentBatch;

/** Posted by the content script into the page: it listens and relays. */
export interface RelayReady {
  source: typeof RELAY_SOURCE;
  v: typeof PROTOCOL_VERSION;
  kind: 'ready';
}

/** Sent by the content script to the worker: agent messages it could not keep (buffer full). */
export interface RelayDropped {
  source: typeof RELAY_SOURCE;
  v: typeof PROTOCOL_VERSION;
  kind: 'relay-dropped';
  /** Messages (not events) dropped since the previous notice, and the events they held. */
  messages: number;
  events: number;
  /** Agent-tagged window messages that failed validation since the previous notice. */
  invalid?: number;
}

/** What travels on a page port (content script → worker). */
export type PageToWorker = AgentMessage | RelayDropped;

/**
 * Worker → content script, on the page port: the first `count` messages the content script sent
 * on this port are stored (chrome.storage.session), so it may forget them. A stopped worker loses
 * what it had not stored yet, so the content script sends everything not acknowledged again on
 * its next port; the worker drops batches it already has, so a resend never counts twice.
 */
export interface WorkerAck {
  kind: 'ack';
  count: number;
}

/** What travels on a page port the other way (worker → content script). */
export type WorkerToPage = WorkerAck;

/** Where a message came from, as the worker knows it from the port's sender. */
export interface Origin {
  tabId: number;
  /** Chrome's frame id: 0 for the top frame. */
  frameId: number;
}

/** Counters every bounded buffer keeps; the panel shows them. */
export interface DropCounters {
  /** Events the agent dropped because nobody was listening and its buffer was full. */
  agentEvents: number;
  /** Messages the content script dropped while the worker was away and its buffer was full. */
  relayMessages: number;
  /** Messages the worker evicted from this tab's history (its bound was reached). */
  historyMessages: number;
  /** Messages that failed validation at any boundary. */
  invalidMessages: number;
}

/** Panel → worker: show me this tab (sent on connect and on every reconnect). */
export interface PanelSubscribe {
  kind: 'subscribe';
  tabId: number;
  /** Sessions and last `seq` the panel already has, so a reconnect replays only what is new. */
  have: { session: string; frame: string; seq: number }[];
}

/** Worker → panel: one relayed message, stamped with its origin. */
export interface WorkerRelay {
  kind: 'relay';
  origin: Origin;
  message: PageToWorker;
}

/** Worker → panel: the tab's history since the page loaded, then live relays follow. */
export interface WorkerHistory {
  kind: 'history';
  tabId: number;
  entries: { origin: Origin; message: PageToWorker }[];
  drops: DropCounters;
}

/** Worker → panel: the tab navigated or closed. */
export interface WorkerTabEvent {
  kind: 'tab';
  tabId: number;
  event: 'navigated' | 'closed';
  url?: string;
}

export type WorkerToPanel = WorkerRelay | WorkerHistory | WorkerTabEvent;

/**
 * Panel → worker, by runtime.sendMessage (not the port): what may this extension do here? The
 * panel asks the worker because a DevTools panel in Firefox has no permissions API.
 */
export interface PanelCapabilitiesQuery {
  kind: 'capabilities';
}

/** Worker → panel, the answer to a PanelCapabilitiesQuery. */
export interface WorkerCapabilities {
  kind: 'capabilities';
  /**
   * The content script may run on every site. Firefox lets the user withhold an MV3 add-on's
   * host access (and grants it only on request); without it no page can reach the panel.
   */
  allSites: boolean;
  /**
   * The browser knows the "debugger" permission (Chrome: a build that lists it can force a
   * GC); false where extensions have no debugger API at all (Firefox).
   */
  debuggerPermission: boolean;
}

/**
 * One string naming a (session, frame) stream, for maps and sets. The length prefix keeps it
 * unambiguous whatever characters the page put in its ids.
 */
export function streamKey(session: string, frame: string): string {
  return `${session.length}:${session}${frame}`;
}
