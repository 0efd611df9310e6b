import * as v from 'valibot';
import { VERSION } from '../version.js';
import type { AgentMessage } from './messages.js';
import { recordedRetainers, type RecordedRetainer } from './recorded-retainers.js';
import { checkAgentMessage, issueReason, type Checked } from './validate.js';

/*
 * A recording: what the agents of a page posted, written out as raw protocol messages, so
 * whoever reads one (the panel's import, a test) feeds them to the same code that handles live
 * messages. docs/recording-format.md describes the same in prose.
 */

/** `format` of every recording file. */
export const RECORDING_FORMAT = 'trackables-recording';
/**
 * Bumped on any incompatible change of the recording's shape or of its messages' protocol version
 * (2: protocol 2, whose batches carry `ops` as a string; 3: sessions may carry `retainers`; 4:
 * `ops` may hold repeats, which a reader of 3 would refuse as bad characters; 5: shapes may
 * carry `lengths`, arrays sent as values, whose batches a reader of 4 would refuse as values
 * left over).
 * Writers write this one; readers read {@link READABLE_RECORDING_VERSIONS}.
 */
export const RECORDING_VERSION = 5;
/** Versions this reader reads: 4 is 5 without arrays as values, 3 is 4 without repeats, 2 is 3 without retainer paths. */
export const READABLE_RECORDING_VERSIONS = [2, 3, 4, RECORDING_VERSION] as const;

/** One agent's messages: one page load (session) in one window (frame). */
export interface RecordedSession {
  session: string;
  frame: string;
  /** The frame's URL when the agent started (from its hello), or '' if no hello was received. */
  url: string;
  /** Epoch ms of the agent's start (from its hello), else of the first recorded batch. */
  startedAt: number;
  /** The session's messages (hellos and batches) in the order they were received. */
  messages: AgentMessage[];
  /** Version 3: what held instances still alive at the end (`npm run record -- <url> --why`). */
  retainers?: RecordedRetainer[];
}

/** A recording file's content (JSON). */
export interface Recording {
  format: typeof RECORDING_FORMAT;
  /** {@link RECORDING_VERSION} when written; an older readable one when read. */
  version: (typeof READABLE_RECORDING_VERSIONS)[number];
  /** ISO 8601 time the recording was written. */
  createdAt: string;
  /** What wrote it, e.g. `trackables/playwright 0.1.0`. */
  tool: string;
  sessions: RecordedSession[];
}

/**
 * The one recording envelope: `sessions` as written by `tool` (`trackables/panel`,
 * `trackables/playwright`; the agent's version is appended) at epoch ms `now`.
 */
export function buildRecording<S extends RecordedSession>(tool: string, sessions: S[], now = Date.now()): Recording & { sessions: S[] } {
  return { format: RECORDING_FORMAT, version: RECORDING_VERSION, createdAt: new Date(now).toISOString(), tool: `${tool} ${VERSION}`, sessions };
}

const id = v.pipe(v.string(), v.minLength(1));
const BAD_MESSAGE = 'messages: a message is not a valid agent message';

const session = v.pipe(
  v.looseObject({
    session: id,
    frame: id,
    url: v.string(),
    startedAt: v.pipe(v.number(), v.finite()),
    messages: v.array(v.unknown()),
    retainers: v.optional(recordedRetainers),
  }),
  // Message checks reuse the protocol validator; reasons are reported by checkRecording.
  v.check((s) => s.messages.every((message) => checkAgentMessage(message).ok), BAD_MESSAGE),
  v.check(
    (s) => s.messages.every((message) => (message as AgentMessage).session === s.session && (message as AgentMessage).frame === s.frame),
    'messages: a message belongs to another session or frame',
  ),
);

const recording = v.looseObject({
  format: v.literal(RECORDING_FORMAT),
  version: v.picklist(READABLE_RECORDING_VERSIONS),
  createdAt: v.string(),
  tool: v.string(),
  sessions: v.array(session),
});

/**
 * Checks a parsed recording file. Never throws: returns the recording or the first reason it is
 * not one (for a bad message, which message of which session and why).
 */
export function checkRecording(data: unknown): Checked<Recording> {
  try {
    const result = v.safeParse(recording, data);
    if (result.success) return { ok: true, message: data as Recording };
    const issue = result.issues[0];
    const detail = issue.message === BAD_MESSAGE ? messageProblem(issue.input) : null;
    return { ok: false, reason: issueReason(issue, detail ?? issue.message) };
  } catch (error) {
    return { ok: false, reason: `unreadable recording: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Names the first bad message of a session that failed its message checks. */
function messageProblem(input: unknown): string | null {
  const messages = (input as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) return null;
  for (const [index, message] of messages.entries()) {
    const checked = checkAgentMessage(message);
    if (!checked.ok) return `messages.${index}: ${checked.reason}`;
  }
  return null;
}
