import type { AgentMessage } from '../../agent/protocol/messages.js';

/** Most raw messages kept per stream for export; beyond it the oldest are evicted first. */
export const MAX_KEPT_MESSAGES_PER_STREAM = 5_000;
/** Most events (summed over the kept batches) kept per stream for export. */
export const MAX_KEPT_EVENTS_PER_STREAM = 100_000;

/**
 * The raw messages a stream sent, oldest first, kept so a session can be exported as a
 * recording. Bounded (the panel runs for hours): the oldest messages go first, and what went is
 * counted, since a recording missing its start decodes to different counts.
 */
export class KeptMessages {
  // Evicted slots are cleared at once: a kept reference would hold a whole batch until compaction.
  #messages: (AgentMessage | undefined)[] = [];
  #head = 0;
  #events = 0;
  evictedMessages = 0;
  evictedEvents = 0;

  push(message: AgentMessage): void {
    this.#messages.push(message);
    this.#events += events(message);
    while (this.#messages.length - this.#head > MAX_KEPT_MESSAGES_PER_STREAM || this.#events > MAX_KEPT_EVENTS_PER_STREAM) {
      const evicted = this.#messages[this.#head]!;
      this.#messages[this.#head++] = undefined;
      this.#events -= events(evicted);
      this.evictedMessages++;
      this.evictedEvents += events(evicted);
    }
    // Drops the evicted front once it is most of the array: amortized O(1), bounded memory.
    if (this.#head >= 1024 && this.#head * 2 >= this.#messages.length) {
      this.#messages = this.#messages.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The kept messages, oldest first. */
  list(): AgentMessage[] {
    return this.#messages.slice(this.#head) as AgentMessage[];
  }
}

function events(message: AgentMessage): number {
  return message.kind === 'batch' ? message.events : 0;
}
