/*
 * The protocol's constants: tags, version, port names, the ops encoding and bounds. Kept apart
 * from the message table (messages.ts) so code that needs only these, like the Tracker's
 * counting rule, does not load the validator's schemas.
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

/**
 * The DOM event a reader dispatches on the agent's window to ask every tracker there for its
 * hello and running totals (AgentTotals): an agent stops listening for the content script once
 * one answered, so a reader that starts late (a panel opened after a flood, a second Playwright
 * attachment) asks this way. Events are shared by the page's main world and the extension's
 * isolated one, and an event of its own type costs the agent nothing on its message traffic.
 * Every version of the agent keeps this name.
 */
export const ANNOUNCE_EVENT = 'trackables-announce';
/** The expression a reader evaluates in a frame's main world to ask (Playwright's page.evaluate). */
export const ANNOUNCE_SCRIPT = `window.dispatchEvent(new Event(${JSON.stringify(ANNOUNCE_EVENT)}))`;

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
/**
 * `!`, where an event would start in `AgentBatch.ops`: two numbers follow, a period P and a count
 * N, and stand for N more events, each with the four numbers of the event P before it. Posted
 * only to readers whose ready lists READS_REPEATS (docs/protocol.md, "Repeats").
 */
export const REPEAT = 0x21;
/** The largest period of a repeat: readers keep the numbers of that many events back. A power of 2. */
export const MAX_REPEAT_PERIOD = 8;
/** What a relay's ready lists in `reads` when it decodes REPEAT in `ops`. */
export const READS_REPEATS = 'repeats';
/**
 * What a relay's ready lists in `reads` when it reads shapes with `lengths`: arrays in bundles
 * sent as values, each element a value (docs/protocol.md, "Bundles as values").
 */
export const READS_ARRAY_VALUES = 'array-values';
/** Upper bounds the validator enforces; the agent flushes long before reaching them. */
export const MAX_EVENTS_PER_BATCH = 100_000;
export const MAX_STRINGS_PER_BATCH = MAX_EVENTS_PER_BATCH + 1024;
/** Characters of `ops` at most: 11 digits carry any safe integer, OP_STRIDE numbers per event. */
export const MAX_OPS_LENGTH = MAX_EVENTS_PER_BATCH * OP_STRIDE * 11;
export const MAX_ID_LENGTH = 64;
/** Keys of a bundle sent as values (AgentBatch.values) at most; larger objects go as JSON text. */
export const MAX_SHAPE_KEYS = 64;
/** Elements of an array sent as values (a shape's `lengths`) at most; longer arrays go as JSON text. */
export const MAX_SHAPE_ARRAY_LENGTH = 64;
/** Elements of `AgentBatch.values` at most. */
export const MAX_VALUES_PER_BATCH = MAX_EVENTS_PER_BATCH * MAX_SHAPE_KEYS;
