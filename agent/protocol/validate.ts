import * as v from 'valibot';
import {
  agentEnvelope,
  agentMessageEnvelopeSchema,
  agentMessageSchema,
  pageToWorkerSchema,
  panelCapabilitiesQuerySchema,
  panelToWorkerSchema,
  workerAnnounceSchema,
  relayReadySchema,
  workerAckSchema,
  workerCapabilitiesSchema,
  workerToPanelEnvelopeSchema,
  workerToPanelSchema,
  type AgentMessage,
  type PanelCapabilitiesQuery,
  type PageToWorker,
  type PanelToWorker,
  type WorkerAnnounce,
  type RelayReady,
  type WorkerCapabilities,
  type WorkerToPage,
  type WorkerToPanel,
} from './messages.js';

/*
 * The one validator of the message table's schemas (messages.ts), used at each trust boundary.
 * Messages are checked, never thrown on: callers get the message or a reason, drop and count.
 */

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
export const checkAgentMessage = checker<AgentMessage>(agentMessageSchema);
/**
 * What the content script checks before relaying, on the page's main thread: every field of
 * checkAgentMessage, but of `ops` only its length and characters. Walking the events (indexes in
 * range, serials above 0) is left to the worker's checkPageToWorker, off the page's thread,
 * which drops and counts what fails as the content script would have.
 */
export const checkAgentMessageToRelay = checker<AgentMessage>(agentMessageEnvelopeSchema);

const agentKinds: ReadonlySet<string> = new Set(agentMessageSchema.options.map((option) => option.entries.kind.literal));
/** An envelope of this protocol version whose kind this build does not know (docs/protocol.md, Compatibility). */
const newerAgentKind = v.looseObject({ ...agentEnvelope, kind: v.pipe(v.string(), v.check((kind) => !agentKinds.has(kind))) });

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
export const checkRelayReady = checker<RelayReady>(relayReadySchema);
/** What a content script sends on its port. */
export const checkPageToWorker = checker<PageToWorker>(pageToWorkerSchema);
/** What the worker sends to a content script. */
export const checkWorkerToPage = checker<WorkerToPage>(workerAckSchema);
/** What a panel sends on its port. */
export const checkPanelToWorker = checker<PanelToWorker>(panelToWorkerSchema);
/** What the worker sends to a tab's content scripts outside their ports. */
export const checkWorkerAnnounce = checker<WorkerAnnounce>(workerAnnounceSchema);
/** What the worker sends to a panel. */
export const checkWorkerToPanel = checker<WorkerToPanel>(workerToPanelSchema);
/**
 * What a panel checks of its own worker's messages: checkWorkerToPanel but for the walk of each
 * batch's events, which the worker did (checkPageToWorker) before storing it.
 */
export const checkWorkerToPanelEnvelope = checker<WorkerToPanel>(workerToPanelEnvelopeSchema);
/** What a panel asks the worker by runtime.sendMessage. */
export const checkCapabilitiesQuery = checker<PanelCapabilitiesQuery>(panelCapabilitiesQuerySchema);
/** The worker's answer to a capabilities query. */
export const checkWorkerCapabilities = checker<WorkerCapabilities>(workerCapabilitiesSchema);

/** Quick pre-filter for window message events: is this meant for Trackables at all? */
export function isTaggedAs(data: unknown, source: string): boolean {
  try {
    return typeof data === 'object' && data !== null && (data as { source?: unknown }).source === source;
  } catch {
    return false;
  }
}
