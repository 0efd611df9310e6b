import type { MessageListener, PostMessageTarget } from '../post-message/host.js';
import { decodeBatch, type LifecycleEvent } from '../protocol/decode.js';
import { ANNOUNCE_EVENT, PROTOCOL_VERSION, RELAY_SOURCE, type AgentBatch, type AgentHello, type AgentMessage } from '../protocol/messages.js';
import { checkAgentMessage } from '../protocol/validate.js';

/**
 * A window as PostMessageTracker sees it. Posted messages are structured-cloned, as
 * window.postMessage does, so a message that could not cross would fail here too.
 */
export class FakeWindow implements PostMessageTarget {
  readonly posted: { message: unknown; targetOrigin: string }[] = [];
  /** `message` listeners. */
  readonly listeners = new Set<MessageListener>();
  /** Listeners of other event types (ANNOUNCE_EVENT), by type. */
  readonly otherListeners = new Map<string, Set<MessageListener>>();
  /** When set, postMessage throws it (as a DataCloneError or a page's override would). */
  failWith: unknown = undefined;

  postMessage(message: unknown, targetOrigin: string): void {
    if (this.failWith !== undefined) throw this.failWith;
    this.posted.push({ message: structuredClone(message), targetOrigin });
  }

  addEventListener(type: string, listener: MessageListener): void {
    if (type === 'message') this.listeners.add(listener);
    else {
      let set = this.otherListeners.get(type);
      if (set === undefined) this.otherListeners.set(type, (set = new Set()));
      set.add(listener);
    }
  }

  removeEventListener(type: string, listener: MessageListener): void {
    if (type === 'message') this.listeners.delete(listener);
    else this.otherListeners.get(type)?.delete(listener);
  }

  /** What a reader's ANNOUNCE_SCRIPT does: dispatches ANNOUNCE_EVENT. Returns how many listened. */
  announce(): number {
    const listeners = [...(this.otherListeners.get(ANNOUNCE_EVENT) ?? [])];
    for (const listener of listeners) listener({ source: null, data: null });
    return listeners.length;
  }

  /** Delivers a message event, by default from this window itself. */
  dispatch(data: unknown, source: unknown = this): void {
    for (const listener of [...this.listeners]) listener({ source, data });
  }

  /** What the extension's content script posts when it is listening. */
  /** A relay's ready; `reads` as a relay lists what it decodes (none: a relay that predates the list). */
  ready(reads?: string[]): void {
    this.dispatch({ source: RELAY_SOURCE, v: PROTOCOL_VERSION, kind: 'ready', ...(reads === undefined ? {} : { reads }) });
  }

  /** Every posted message, each checked by the protocol's validator (throws on an invalid one). */
  messages(): AgentMessage[] {
    return this.posted.map(({ message }) => {
      const checked = checkAgentMessage(message);
      if (!checked.ok) throw new Error(`invalid agent message: ${checked.reason}`);
      return checked.message;
    });
  }

  hellos(): AgentHello[] {
    return this.messages().filter((message): message is AgentHello => message.kind === 'hello');
  }

  batches(): AgentBatch[] {
    return this.messages().filter((message): message is AgentBatch => message.kind === 'batch');
  }

  /** The events of every posted batch, in order. */
  events(): LifecycleEvent[] {
    return this.batches().flatMap(decodeBatch);
  }
}
