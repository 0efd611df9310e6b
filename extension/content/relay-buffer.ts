import { PROTOCOL_VERSION, RELAY_SOURCE, type AgentMessage, type PageToWorker } from '../../agent/protocol/messages.js';
import type { FoldedBatch } from '../ops-runs.js';

/** What the content script sends on its port: a PageToWorker, a batch maybe folded (ops-runs.ts). */
export type Relayed = PageToWorker | FoldedBatch;

/**
 * Bounds of the content script's buffer for messages the worker has not stored yet. Whichever is
 * reached first evicts the oldest messages: 1,000 messages, or 200,000 events (a few MB of page
 * memory; one full agent batch holds at most 100,000 events, so two always fit).
 */
export const RELAY_BUFFER_MESSAGES = 1_000;
export const RELAY_BUFFER_EVENTS = 200_000;

export interface RelayBufferLimits {
  messages: number;
  events: number;
}

function eventsIn(message: Relayed): number {
  return message.kind === 'batch' ? message.events : 0;
}

interface Held {
  message: Relayed;
  events: number;
  /** Its index among the messages sent on the current port; null while not sent on it. */
  sent: number | null;
}

/**
 * Messages for the worker, oldest first, bounded, kept until the worker acknowledges them as
 * stored: a stopped worker loses what it had not written to storage yet, so everything not
 * acknowledged is sent again on the next port (the worker drops what it already has).
 *
 * Held messages are a prefix sent on the current port (in order) and a suffix not sent on it.
 * What the bounds evict before it reached a worker, and agent-tagged messages that failed
 * validation, are counted and reported in one RelayDropped sent ahead of the next messages.
 * A message evicted after a live port took it is not counted: the worker has it, and should the
 * worker stop before storing it, the panel sees the gap in `seq`.
 */
export class RelayBuffer {
  private readonly queue: Held[] = [];
  private events = 0;
  /** Messages sent on the current port, which is what the worker's acknowledgements count. */
  private sentOnPort = 0;
  private dropped = { messages: 0, events: 0, invalid: 0 };

  constructor(private readonly limits: RelayBufferLimits = { messages: RELAY_BUFFER_MESSAGES, events: RELAY_BUFFER_EVENTS }) {}

  push(message: AgentMessage | FoldedBatch): void {
    const events = eventsIn(message);
    this.queue.push({ message, events, sent: null });
    this.events += events;
    while (this.queue.length > this.limits.messages || (this.events > this.limits.events && this.queue.length > 1)) this.evictOldest();
  }

  countInvalid(): void {
    this.dropped.invalid += 1;
  }

  /** Whether there is something the current port has not carried yet. */
  get hasUnsent(): boolean {
    return this.hasNotice() || this.queue.at(-1)?.sent === null;
  }

  /** Messages held now, sent or not. */
  get size(): number {
    return this.queue.length;
  }

  /**
   * Hands `send` what the current port has not carried yet, in order, a drop notice first. If
   * `send` throws, the message it was given counts as not sent (and the error propagates).
   */
  send(send: (message: Relayed) => void): void {
    if (this.hasNotice()) {
      const { messages, events, invalid } = this.dropped;
      // Ahead of the unsent messages, so the worker learns of the loss before what follows it.
      this.queue.splice(this.firstUnsent(), 0, {
        message: { source: RELAY_SOURCE, v: PROTOCOL_VERSION, kind: 'relay-dropped', messages, events, invalid },
        events: 0,
        sent: null,
      });
      this.dropped = { messages: 0, events: 0, invalid: 0 };
    }
    for (let i = this.firstUnsent(); i < this.queue.length; i++) {
      const held = this.queue[i]!;
      send(held.message);
      held.sent = this.sentOnPort++;
    }
  }

  /** The worker stored the first `count` messages sent on the current port: they can go. */
  acknowledge(count: number): void {
    while (this.queue.length > 0 && this.queue[0]!.sent !== null && this.queue[0]!.sent < count) {
      this.events -= this.queue.shift()!.events;
    }
  }

  /** A new port carried nothing yet: everything held goes again, in order. */
  rewind(): void {
    for (const held of this.queue) held.sent = null;
    this.sentOnPort = 0;
  }

  clear(): void {
    this.queue.length = 0;
    this.events = 0;
    this.sentOnPort = 0;
    this.dropped = { messages: 0, events: 0, invalid: 0 };
  }

  private firstUnsent(): number {
    // From the end: the unsent suffix is short while a port is up, the sent prefix may be long.
    let index = this.queue.length;
    while (index > 0 && this.queue[index - 1]!.sent === null) index--;
    return index;
  }

  private evictOldest(): void {
    const { message, events, sent } = this.queue.shift()!;
    this.events -= events;
    if (sent !== null) return;
    if (message.kind === 'relay-dropped') {
      // A notice that never went out: its counts go with the next one.
      this.dropped.messages += message.messages;
      this.dropped.events += message.events;
      this.dropped.invalid += message.invalid ?? 0;
    } else {
      this.dropped.messages += 1;
      this.dropped.events += events;
    }
  }

  private hasNotice(): boolean {
    return this.dropped.messages > 0 || this.dropped.invalid > 0;
  }
}
