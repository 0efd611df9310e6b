/**
 * The part of a runtime port (`browser.runtime.Port`) the content script and worker use. Logic
 * classes take this instead of the browser's type so tests can hand them fakes.
 */
export interface PortLike {
  readonly name: string;
  /** Set by the browser on the receiving side; the worker trusts only this for tab and frame. */
  readonly sender?: { tab?: { id?: number }; frameId?: number; url?: string };
  /** Throws once the port is disconnected or the extension context is gone. */
  postMessage(message: unknown): void;
  disconnect(): void;
  readonly onMessage: { addListener(callback: (message: unknown) => void): void };
  readonly onDisconnect: { addListener(callback: () => void): void };
}
