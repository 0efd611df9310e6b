import { OP_STRIDE, PROTOCOL_VERSION, RELAY_SOURCE, type AgentMessage, type PageToWorker, type RelayDropped } from '../../agent/protocol/messages.js';

/**
 * Bounds of the content script's buffer for agent messages the worker has not taken yet. Whichever
 * is reached first evicts the oldest messages: 1,000 messages, or 200,000 events (a few MB of page
 * memory; one full agent batch holds at most 100,000 events, so two always fit).
 */
export const RELAY_BUFFER_MESSAGES = 1_000;
export const RELAY_BUFFER_EVENTS = 200_000;

export interface RelayBufferLimits {
  messages: number;
  events: number;
}

function eventsIn(message: AgentMessage): number {
  return message.kind === 'batch' ? message.ops.length / OP_STRIDE : 0;
}

/**
 * Agent messages waiting for the worker, oldest first, bounded. What it evicts, and agent-tagged
 * messages that failed validation, are counted and reported in one RelayDropped sent ahead of the
 * next messages.
 */
export class RelayBuffer {
  private readonly queue: { message: AgentMessage; events: number }[] = [];
  private events = 0;
  private dropped = { messages: 0, events: 0, invalid: 0 };

  constructor(private readonly limits: RelayBufferLimits = { messages: RELAY_BUFFER_MESSAGES, events: RELAY_BUFFER_EVENTS }) {}

  push(message: AgentMessage): void {
    const events = eventsIn(message);
    this.queue.push({ message, events });
    this.events += events;
    while (this.queue.length > this.limits.messages || (this.events > this.limits.events && this.queue.length > 1)) {
      const oldest = this.queue.shift()!;
      this.events -= oldest.events;
      this.dropped.messages += 1;
      this.dropped.events += oldest.events;
    }
  }

  countInvalid(): void {
    this.dropped.invalid += 1;
  }

  get isEmpty(): boolean {
    return this.queue.length === 0 && !this.hasNotice();
  }

  /** Messages held now. */
  get size(): number {
    return this.queue.length;
  }

  /**
   * Hands everything to `send`, the drop notice first. If `send` throws, what it was given stays
   * buffered (and the error propagates), so nothing is lost when a port dies mid-way.
   */
  drain(send: (message: PageToWorker) => void): void {
    if (this.hasNotice()) {
      const { messages, events, invalid } = this.dropped;
      const notice: RelayDropped = { source: RELAY_SOURCE, v: PROTOCOL_VERSION, kind: 'relay-dropped', messages, events, invalid };
      send(notice);
      this.dropped = { messages: 0, events: 0, invalid: 0 };
    }
    while (this.queue.length > 0) {
      send(this.queue[0]!.message);
      this.events -= this.queue.shift()!.events;
    }
  }

  clear(): void {
    this.queue.length = 0;
    this.events = 0;
    this.dropped = { messages: 0, events: 0, invalid: 0 };
  }

  private hasNotice(): boolean {
    return this.dropped.messages > 0 || this.dropped.invalid > 0;
  }
}
