// JS heap figures of the extension's service worker and of pages, over CDP, for the flood test
// (e2e/flood.spec.ts) and the soak script (scripts/soak.ts).
//
// Playwright gives CDP sessions for pages and frames only. The worker is reached through the
// browser session: Target.attachToTarget with flatten: false, then Target.sendMessageToTarget,
// answers arriving as Target.receivedMessageFromTarget (measured with Chromium 156; Playwright's
// own flattened session to the worker is not exposed). performance.memory does not exist in a
// service worker.
import type { BrowserContext, CDPSession, Page } from '@playwright/test';

export interface HeapUsage {
  /** Bytes of live JS objects (V8's used heap size). */
  used: number;
  /** Bytes the V8 heap has reserved. */
  total: number;
}

interface RawHeapUsage {
  usedSize: number;
  totalSize: number;
}

const toUsage = ({ usedSize, totalSize }: RawHeapUsage): HeapUsage => ({ used: usedSize, total: totalSize });

/** A page's heap: the page's and its content scripts' worlds share one V8 isolate. */
export class PageHeap {
  private constructor(private readonly session: CDPSession) {}

  static async open(context: BrowserContext, page: Page): Promise<PageHeap> {
    return new PageHeap(await context.newCDPSession(page));
  }

  async usage(options: { collect?: boolean } = {}): Promise<HeapUsage> {
    if (options.collect) await this.session.send('HeapProfiler.collectGarbage');
    return toUsage(await this.session.send('Runtime.getHeapUsage'));
  }

  /** DOM nodes and JS event listeners: a UI that leaks elements grows these, not only the heap. */
  async domCounters(): Promise<{ nodes: number; jsEventListeners: number }> {
    const { nodes, jsEventListeners } = await this.session.send('Memory.getDOMCounters');
    return { nodes, jsEventListeners };
  }

  async close(): Promise<void> {
    await this.session.detach().catch(() => {});
  }
}

/**
 * The extension's service worker heap. Each call attaches anew (a few ms): MV3 stops an idle
 * worker and starts another, and a session does not outlive its worker.
 */
export class WorkerHeap {
  private nextId = 0;

  private constructor(
    private readonly browser: CDPSession,
    private readonly workerUrl: string,
  ) {}

  static async open(context: BrowserContext, extensionId: string): Promise<WorkerHeap> {
    const browser = context.browser();
    if (browser === null) throw new Error('WorkerHeap: the context has no browser');
    return new WorkerHeap(await browser.newBrowserCDPSession(), `chrome-extension://${extensionId}/worker.js`);
  }

  /** The worker's heap, after a full GC of it when `collect`; undefined while no worker runs. */
  async usage(options: { collect?: boolean } = {}): Promise<HeapUsage | undefined> {
    const { targetInfos } = await this.browser.send('Target.getTargets');
    const target = targetInfos.find((info) => info.type === 'service_worker' && info.url === this.workerUrl);
    if (target === undefined) return undefined;
    const { sessionId } = await this.browser.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
    try {
      if (options.collect) await this.call(sessionId, 'HeapProfiler.collectGarbage');
      return toUsage((await this.call(sessionId, 'Runtime.getHeapUsage')) as RawHeapUsage);
    } finally {
      await this.browser.send('Target.detachFromTarget', { sessionId }).catch(() => {});
    }
  }

  async close(): Promise<void> {
    await this.browser.detach().catch(() => {});
  }

  private call(sessionId: string, method: string): Promise<unknown> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const heard = (event: { sessionId: string; message: string }): void => {
        if (event.sessionId !== sessionId) return;
        const reply = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
        if (reply.id !== id) return;
        this.browser.off('Target.receivedMessageFromTarget', heard);
        this.browser.off('Target.detachedFromTarget', gone);
        if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
        else resolve(reply.result);
      };
      const gone = (event: { sessionId: string }): void => {
        if (event.sessionId !== sessionId) return;
        this.browser.off('Target.receivedMessageFromTarget', heard);
        this.browser.off('Target.detachedFromTarget', gone);
        reject(new Error(`${method}: the service worker went away`));
      };
      this.browser.on('Target.receivedMessageFromTarget', heard);
      this.browser.on('Target.detachedFromTarget', gone);
      this.browser.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) }).catch((error: unknown) => {
        this.browser.off('Target.receivedMessageFromTarget', heard);
        this.browser.off('Target.detachedFromTarget', gone);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }
}

export const MiB = 1024 * 1024;

export const mib = (bytes: number | undefined): string => (bytes === undefined ? '–' : `${(bytes / MiB).toFixed(1)} MiB`);
