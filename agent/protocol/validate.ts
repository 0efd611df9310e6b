import * as v from 'valibot';
import {
  AGENT_SOURCE,
  MAX_EVENTS_PER_BATCH,
  MAX_ID_LENGTH,
  MAX_STRINGS_PER_BATCH,
  NO_BUNDLE,
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

const batch = v.pipe(
  v.looseObject({
    ...envelope,
    kind: v.literal('batch'),
    seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
    t0: time,
    dropped: count,
    // Length first: v.array walks every element before a maxLength after it could object, and
    // a page can post a sparse array of 10 million holes for the price of a few bytes.
    strings: v.pipe(
      v.custom<unknown[]>(
        (strings) => Array.isArray(strings) && strings.length <= MAX_STRINGS_PER_BATCH,
        `expected an array of at most ${MAX_STRINGS_PER_BATCH} strings`,
      ),
      v.array(v.string()),
    ),
    // Not v.array(): it copies the array and allocates a result per item (400,000 numbers per
    // batch, in the content script on the page's thread); opsProblem checks every item below.
    ops: v.custom<unknown[]>(
      (ops) => Array.isArray(ops) && ops.length <= MAX_EVENTS_PER_BATCH * OP_STRIDE,
      `ops: expected an array of at most ${MAX_EVENTS_PER_BATCH * OP_STRIDE} numbers`,
    ),
  }),
  v.check((b) => opsProblem(b.ops, b.strings.length) === null, 'ops: malformed event encoding'),
);

/** A tight loop rather than a schema per number: batches carry up to 400,000 numbers. */
function opsProblem(ops: unknown[], strings: number): string | null {
  if (ops.length % OP_STRIDE !== 0) return 'length is not a multiple of the stride';
  for (let i = 0; i < ops.length; i += OP_STRIDE) {
    const typeOp = ops[i];
    const serial = ops[i + 1];
    const offset = ops[i + 2];
    const bundle = ops[i + 3];
    // Compared unshifted: `>> 2` wraps at 2^31, which would let a huge typeOp index past `strings`.
    if (!Number.isInteger(typeOp) || (typeOp as number) < 0 || (typeOp as number) >= strings * 4) return 'bad type';
    if (!Number.isSafeInteger(serial) || (serial as number) < 1) return 'bad serial';
    if (!Number.isInteger(offset) || (offset as number) < 0) return 'bad time offset';
    if (bundle !== NO_BUNDLE && (!Number.isInteger(bundle) || (bundle as number) < 0 || (bundle as number) >= strings)) return 'bad bundle';
  }
  return null;
}

const agentMessage = v.variant('kind', [hello, batch]);

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
