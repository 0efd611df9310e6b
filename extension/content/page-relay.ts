import { AGENT_MESSAGE_FIELDS, AGENT_SOURCE, PROTOCOL_VERSION, READS_ARRAY_VALUES, READS_REPEATS, RELAY_SOURCE, streamKey, type AgentHello, type AgentMessage, type RelayReady } from '../../agent/protocol/messages.js';
import { checkAgentMessageToRelay, checkWorkerToPage, isNewerAgentKind, isTaggedAs } from '../../agent/protocol/validate.js';
import { foldBatch } from '../ops-runs.js';
import type { PortLike } from '../port.js';
import { RelayBuffer } from './relay-buffer.js';

/** What the relay needs from its surroundings (the page window and the extension runtime). */
export interface RelayHost {
  /** The window the content script runs in: only messages it posted to itself are accepted. */
  readonly self: unknown;
  postToPage(message: RelayReady): void;
  /** Opens a port to the worker; throws once the extension context is gone (extension reloaded). */
  connect(): PortLike;
  /** Stops listening to the page for good. */
  detach(): void;
  /** Runs `callback` once after `delayMs` (a timer of the content script's world). */
  schedule(callback: () => void, delayMs: number): void;
}

/**
 * Delays before reopening a port that went away holding unacknowledged messages, one per
 * disconnect in a row without an acknowledgement between. The first is immediate: a worker
 * stopped by the browser starts again on connect. Past the last, the relay waits for the page's
 * next message: a worker that keeps refusing the port is not woken forever.
 */
export const RESEND_DELAYS_MS: readonly number[] = [0, 1_000, 10_000];

/** Our ready: the worker's check and every reader after it decode repeats and arrays sent as values (docs/protocol.md, "Repeats", "Bundles as values"). */
const READY: RelayReady = { source: RELAY_SOURCE, v: PROTOCOL_VERSION, kind: 'ready', reads: [READS_REPEATS, READS_ARRAY_VALUES] };

/**
 * Remembered (session, frame) pairs whose hello was answered. A page normally has one agent per
 * frame per load; the cap only keeps a page that invents sessions from growing this set.
 */
const ANSWERED_LIMIT = 64;

/**
 * Whether a port can carry `message`. Chrome serializes port messages as JSON and throws on what
 * JSON cannot hold (a BigInt, a cycle), and a message the port refuses would stay first in the
 * buffer and block every message after it. Only unknown extra fields can hold such values, so
 * only they are tried, not the fields the validator already found to be strings and numbers.
 */
function carriable(message: AgentMessage): boolean {
  const checked = AGENT_MESSAGE_FIELDS[message.kind];
  try {
    for (const key of Object.keys(message)) {
      if (!checked.has(key)) JSON.stringify((message as unknown as Record<string, unknown>)[key]);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * The content script's job: take agent messages from its own window, validate them, and relay
 * them to the worker over a runtime port.
 *
 * The port is opened lazily (pages without an agent never wake the worker) and reopened on the
 * next message after it disconnects (MV3 stops idle workers). Messages stay in a bounded
 * RelayBuffer until the worker acknowledges them as stored, and a new port gets again all it did
 * not acknowledge: a worker can be stopped before it stored what it took, or while a message was
 * on its way. A port that goes away holding unacknowledged messages is reopened at once (then
 * after RESEND_DELAYS_MS), so they reach the worker even if the page never posts again. Nothing
 * here throws into the page, and once the extension context is invalidated the relay detaches
 * and stays silent.
 */
export class PageRelay {
  private port: PortLike | null = null;
  private stopped = false;
  /** Disconnects in a row that left unacknowledged messages behind, with no acknowledgement since. */
  private resends = 0;
  private readonly answered = new Set<string>();

  constructor(
    private readonly host: RelayHost,
    private readonly buffer = new RelayBuffer(),
  ) {}

  /** Tells an agent that started before this script that someone now listens. */
  start(): void {
    this.postReady();
  }

  onWindowMessage(source: unknown, data: unknown): void {
    if (this.stopped || source !== this.host.self || !isTaggedAs(data, AGENT_SOURCE)) return;
    const checked = checkAgentMessageToRelay(data);
    if (!checked.ok || !carriable(checked.message)) {
      // A newer agent's extra kinds of message are for newer readers: not relayed, not invalid.
      if (!isNewerAgentKind(data)) this.buffer.countInvalid();
    } else {
      const message = checked.message;
      if (message.kind === 'hello') this.answer(message);
      // Chrome's JSON for the port costs the page's thread per character: runs go folded.
      this.buffer.push(message.kind === 'batch' ? foldBatch(message) : message);
    }
    this.flush();
  }

  /**
   * An agent says hello again when it hears a ready (ours stops listening after the first; an
   * agent that kept listening would ping-pong with us forever): each (session, frame) gets one.
   */
  private answer(hello: AgentHello): void {
    const key = streamKey(hello.session, hello.frame);
    if (this.answered.has(key)) return;
    if (this.answered.size >= ANSWERED_LIMIT) this.answered.clear();
    this.answered.add(key);
    this.postReady();
  }

  private postReady(): void {
    try {
      this.host.postToPage(READY);
    } catch {
      // The page's window is going away; it has nobody left to tell.
    }
  }

  private flush(): void {
    // Two tries: the first may find a port that died before its onDisconnect arrived.
    for (let attempt = 0; attempt < 2 && this.buffer.hasUnsent; attempt++) {
      const port = this.port ?? this.open();
      if (!port) return;
      try {
        this.buffer.send((message) => port.postMessage(message));
      } catch {
        if (this.port === port) this.port = null;
      }
    }
  }

  private open(): PortLike | null {
    if (this.stopped) return null;
    let port: PortLike;
    try {
      port = this.host.connect();
    } catch {
      this.stop();
      return null;
    }
    port.onDisconnect.addListener(() => {
      if (this.port !== port) return;
      this.port = null;
      this.resendLater();
    });
    port.onMessage.addListener((data) => {
      // An acknowledgement counts messages of its own port; an older port's means nothing now.
      if (this.port !== port) return;
      const checked = checkWorkerToPage(data);
      if (!checked.ok) return;
      this.buffer.acknowledge(checked.message.count);
      this.resends = 0;
    });
    this.port = port;
    this.buffer.rewind();
    return port;
  }

  /** After a disconnect: what the worker has not acknowledged goes again on a new port, soon. */
  private resendLater(): void {
    if (this.buffer.size === 0 || this.resends >= RESEND_DELAYS_MS.length) return;
    const delay = RESEND_DELAYS_MS[this.resends++]!;
    this.buffer.rewind();
    try {
      this.host.schedule(() => this.flush(), delay);
    } catch {
      // No timer (the frame is going away): the next page message resends instead.
    }
  }

  private stop(): void {
    this.stopped = true;
    this.port = null;
    this.buffer.clear();
    this.host.detach();
  }
}
