import * as v from 'valibot';
import {
  AGENT_SOURCE,
  DIGIT_BASE,
  MAX_EVENTS_PER_BATCH,
  MAX_ID_LENGTH,
  MAX_OPS_LENGTH,
  MAX_STRINGS_PER_BATCH,
  LAST_DIGIT,
  MORE_DIGIT,
  OP_STRIDE,
  PROTOCOL_VERSION,
  RELAY_SOURCE,
  type AgentMessage,
  type PageToWorker,
  type PanelSubscribe,
  type RelayReady,
  type WorkerToPage,
  type WorkerToPanel,
} from './messages.js';

/*
 * The one validator, used at every boundary (content script, worker, panel, Playwright helper).
 * Messages are checked, never thrown on: callers get the message or a reason, drop and count.
 * Unknown extra fields are allowed (and passed on unchanged) so a newer agent of the same
 * protocol version still gets through.
 */

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID_LENGTH));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const time = v.pipe(v.number(), v.finite());
const tabId = v.pipe(v.number(), v.integer());

const envelope = {
  source: v.literal(AGENT_SOURCE),
  v: v.literal(PROTOCOL_VERSION),
  session: id,
  frame: id,
};

const hello = v.looseObject({ ...envelope, kind: v.literal('hello'), agent: v.string(), url: v.string(), time });

const batchShape = v.looseObject({
  ...envelope,
  kind: v.literal('batch'),
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  t0: time,
  dropped: count,
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
  ops: v.pipe(v.string(), v.maxLength(MAX_OPS_LENGTH), v.regex(/^[#-B\]-|]*$/, 'expected only the digit characters of docs/protocol.md')),
});

const batch = v.pipe(
  batchShape,
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const { ops, events, strings } = dataset.value;
    const problem = opsProblem(ops, events, strings.length);
    if (problem !== null) addIssue({ message: `ops: ${problem}`, path: undefined });
  }),
);

// Local copies: the hot loop below reads them on every character, and an imported binding is
// read through its module's cell with a check each time.
const DIGITS = DIGIT_BASE;
const LAST = LAST_DIGIT;
const MORE = MORE_DIGIT;
const LAST_END = LAST_DIGIT + DIGITS;
const MORE_END = MORE_DIGIT + DIGITS;

/**
 * Decodes `ops` without keeping anything (see AgentBatch for the encoding): one tight loop over
 * the characters, comparisons inlined, since a batch may hold 100,000 events and the content
 * script runs this on the page's main thread.
 */
function opsProblem(ops: string, events: number, strings: number): string | null {
  const length = ops.length;
  let at = 0;
  let field = 0;
  let seen = 0;
  let serial = 0;
  let back = false;
  let offset = 0;
  while (at < length) {
    let value = 0;
    let c = ops.charCodeAt(at++);
    for (; c >= MORE && c < MORE_END; c = ops.charCodeAt(at++)) {
      value = value * DIGITS + (c - MORE);
      if (value > Number.MAX_SAFE_INTEGER / DIGITS) return `number too large at character ${at - 1}`;
    }
    if (!(c >= LAST && c < LAST_END)) return at > length ? 'ends inside a number' : `unexpected character at ${at - 1}`;
    value = value * DIGITS + (c - LAST);
    if (field === 0) {
      if (value >= strings * 8) return `event ${seen}: no type name at that index`;
      back = value % 8 >= 4;
    } else if (field === 1) {
      serial += back ? -value : value;
      if (serial < 1 || !Number.isSafeInteger(serial)) return `event ${seen}: serial out of range`;
    } else if (field === 2) {
      offset += value;
      if (!Number.isSafeInteger(offset)) return `event ${seen}: time out of range`;
    } else if (value > strings) {
      return `event ${seen}: no bundle text at that index`;
    }
    if (++field === OP_STRIDE) {
      field = 0;
      if (++seen > events) return `more events than the ${events} announced`;
    }
  }
  if (field !== 0) return 'ends inside an event';
  return seen === events ? null : `${seen} events where ${events} were announced`;
}

const agentMessage = v.variant('kind', [hello, batch]);
const agentKinds: ReadonlySet<string> = new Set(agentMessage.options.map((option) => option.entries.kind.literal));
/** An envelope of this protocol version whose kind this build does not know (docs/protocol.md, Compatibility). */
const newerAgentKind = v.looseObject({ ...envelope, kind: v.pipe(v.string(), v.check((kind) => !agentKinds.has(kind))) });
const agentMessageToRelay = v.variant('kind', [hello, batchShape]);

const relayReady = v.looseObject({ source: v.literal(RELAY_SOURCE), v: v.literal(PROTOCOL_VERSION), kind: v.literal('ready') });
const relayDropped = v.looseObject({
  source: v.literal(RELAY_SOURCE),
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal('relay-dropped'),
  messages: count,
  events: count,
  invalid: v.optional(count),
});

const pageToWorker = v.union([agentMessage, relayDropped]);

const workerToPage = v.looseObject({ kind: v.literal('ack'), count });

const origin = v.object({ tabId, frameId: v.pipe(v.number(), v.integer()) });
const drops = v.object({ agentEvents: count, relayMessages: count, historyMessages: count, invalidMessages: count });

const panelSubscribe = v.looseObject({
  kind: v.literal('subscribe'),
  tabId,
  have: v.array(v.object({ session: id, frame: id, seq: count })),
});

const workerToPanel = v.variant('kind', [
  v.looseObject({ kind: v.literal('relay'), origin, message: pageToWorker }),
  v.looseObject({ kind: v.literal('history'), tabId, entries: v.array(v.object({ origin, message: pageToWorker })), drops }),
  v.looseObject({
    kind: v.literal('tab'),
    tabId,
    event: v.picklist(['navigated', 'closed']),
    url: v.optional(v.string()),
  }),
]);

export type Checked<T> = { ok: true; message: T } | { ok: false; reason: string };

/** A failed check's reason: `message`, after the issue's path (`ops`, `sessions.0.url`) if any. */
export function issueReason(issue: v.BaseIssue<unknown>, message = issue.message): string {
  const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
  return path ? `${path}: ${message}` : message;
}

function checker<T>(schema: v.GenericSchema): (data: unknown) => Checked<T> {
  return (data) => {
    try {
      // The first issue is all callers get, and collecting every issue of a hostile message
      // (one per element of a huge array) costs memory in proportion to it.
      const result = v.safeParse(schema, data, { abortEarly: true });
      if (result.success) return { ok: true, message: data as T };
      return { ok: false, reason: issueReason(result.issues[0]) };
    } catch (error) {
      // Getters or Proxies in hostile input can throw while being read.
      return { ok: false, reason: `unreadable message: ${error instanceof Error ? error.message : String(error)}` };
    }
  };
}

/** A message an agent posted into its window. */
export const checkAgentMessage = checker<AgentMessage>(agentMessage);
/**
 * What the content script checks before relaying, on the page's main thread: every field of
 * checkAgentMessage, but of `ops` only its length and characters. Walking the events (indexes in
 * range, serials above 0) is left to the worker's checkPageToWorker, off the page's thread,
 * which drops and counts what fails as the content script would have.
 */
export const checkAgentMessageToRelay = checker<AgentMessage>(agentMessageToRelay);
/**
 * Whether `data` is an agent message of this protocol version with a kind this build does not
 * know: a newer minor version of the agent sent something only newer readers use. Receivers
 * ignore it, neither relayed nor counted as invalid (docs/protocol.md, Compatibility).
 */
export function isNewerAgentKind(data: unknown): boolean {
  try {
    return v.is(newerAgentKind, data);
  } catch {
    return false;
  }
}
/** The content script's answer to the agent. */
export const checkRelayReady = checker<RelayReady>(relayReady);
/** What a content script sends on its port. */
export const checkPageToWorker = checker<PageToWorker>(pageToWorker);
/** What the worker sends to a content script. */
export const checkWorkerToPage = checker<WorkerToPage>(workerToPage);
/** What a panel sends on its port. */
export const checkPanelSubscribe = checker<PanelSubscribe>(panelSubscribe);
/** What the worker sends to a panel. */
export const checkWorkerToPanel = checker<WorkerToPanel>(workerToPanel);

/** Quick pre-filter for window message events: is this meant for Trackables at all? */
export function isTaggedAs(data: unknown, source: string): boolean {
  try {
    return typeof data === 'object' && data !== null && (data as { source?: unknown }).source === source;
  } catch {
    return false;
  }
}
