import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  expect,
  test as base,
  type BrowserContext,
  type CDPSession,
  type Page,
  type Worker,
} from '@playwright/test';
import type { StaticServer } from '../scripts/static-server.js';
import {
  extensionIdOf,
  launchWithExtension,
  openHarnessPage,
  openPanel,
  openTab,
  showTrackablesPanel,
  startFixtureServer,
  type RealDevToolsPanel,
} from './harness.js';

interface WorkerFixtures {
  server: StaticServer;
  userDataDir: string;
  extensionContext: BrowserContext;
  extensionId: string;
  /** An extension page that runs none of the extension's code, for chrome.* calls of the harness. */
  extensionPage: Page;
}

interface TestFixtures {
  /** `http://127.0.0.1:<port>` of the fixture server. */
  origin: string;
  /** A fixture page URL, unique to this call (tells the tabs of a run apart in logs and traces). */
  pageUrl(path?: string): string;
  /** The extension's service worker (Playwright keeps the same object across worker restarts). */
  serviceWorker: Worker;
  /**
   * A new tab opened by the extension (so its tab id is known) on a blank fixture page; the
   * test's `page` is one. Navigate it with page.goto.
   */
  newTab(): Promise<Page>;
  /** Chrome's tab id of a page opened by newTab (ids are large and not sequential). */
  tabIdOf(page: Page): Promise<number>;
  /** The panel as an extension page in its own tab, showing `tabId`. */
  openPanel(tabId: number): Promise<Page>;
  /** A full GC of the page's heap (same-process frames included); finalizers run right after. */
  collectGarbage(page: Page): Promise<void>;
  /** Stops the extension's service worker and resolves once Chrome reports it stopped. */
  stopServiceWorker(): Promise<void>;
  /** Resolves once the extension's service worker runs again. */
  waitForServiceWorkerRunning(): Promise<void>;
  /** Opens real DevTools on `page` and shows the Trackables panel in it. */
  openRealDevToolsPanel(page: Page): Promise<RealDevToolsPanel>;
}

async function extensionWorker(context: BrowserContext, extensionId: string): Promise<Worker> {
  const prefix = `chrome-extension://${extensionId}/`;
  const found = context.serviceWorkers().find((w) => w.url().startsWith(prefix));
  return found ?? (await context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith(prefix) }));
}

interface VersionInfo {
  versionId: string;
  scriptURL: string;
  runningStatus: string;
}

/**
 * Watches the extension's service worker version through the CDP ServiceWorker domain of a page
 * session. Measured here: the browser session has no ServiceWorker domain; on a page session,
 * `ServiceWorker.stopWorker` (and `stopAllWorkers`) stop the extension's worker too, which
 * Chrome reports as runningStatus "stopping" → "stopped". Playwright does not report that (its
 * Worker object neither closes nor changes, and works again once Chrome restarts the worker),
 * so these events are the only reliable signal.
 */
class WorkerWatch {
  readonly #versions = new Map<string, VersionInfo>();
  readonly #waiters = new Set<() => void>();

  private constructor(
    readonly session: CDPSession,
    readonly page: Page,
    prefix: string,
  ) {
    session.on('ServiceWorker.workerVersionUpdated', ({ versions }: { versions: VersionInfo[] }) => {
      for (const version of versions) if (version.scriptURL.startsWith(prefix)) this.#versions.set(version.versionId, version);
      for (const wake of this.#waiters) wake();
    });
  }

  static async open(context: BrowserContext, extensionId: string): Promise<WorkerWatch> {
    const page = await context.newPage();
    const session = await context.newCDPSession(page);
    const watch = new WorkerWatch(session, page, `chrome-extension://${extensionId}/`);
    await session.send('ServiceWorker.enable');
    return watch;
  }

  /** Resolves with the first version `predicate` accepts, now or later. */
  until(predicate: (version: VersionInfo) => boolean, what: string, timeout = 15_000): Promise<VersionInfo> {
    return new Promise((resolvePromise, reject) => {
      const check = (): boolean => {
        for (const version of this.#versions.values()) {
          if (predicate(version)) {
            this.#waiters.delete(wake);
            clearTimeout(timer);
            resolvePromise(version);
            return true;
          }
        }
        return false;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(new Error(`service worker: timed out waiting for ${what}; seen ${JSON.stringify([...this.#versions.values()])}`));
      }, timeout);
      if (!check()) this.#waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    await this.session.detach().catch(() => {});
    await this.page.close().catch(() => {});
  }
}

/** Tab ids of the pages newTab opened. */
const tabIds = new WeakMap<Page, number>();

export const test = base.extend<TestFixtures, WorkerFixtures>({
  server: [
    async ({}, use) => {
      const server = await startFixtureServer();
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],

  userDataDir: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'trackables-e2e-'));
      await use(dir);
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],

  // One browser per worker: tests open their own tabs in it and close them afterwards.
  extensionContext: [
    async ({ userDataDir }, use) => {
      // The port is only for openRealDevToolsPanel's second connection; unused, it costs nothing.
      const context = await launchWithExtension(userDataDir, ['--remote-debugging-port=0']);
      await use(context);
      await context.close();
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  extensionId: [
    async ({ extensionContext }, use) => {
      await use(await extensionIdOf(extensionContext));
    },
    { scope: 'worker' },
  ],

  // extensionPage is a dependency so that it exists before the tracking starts: it lives on.
  context: async ({ extensionContext, extensionPage: _ }, use) => {
    // Whatever a test opens (its page, panels) is closed after it; the context lives on.
    const opened: Page[] = [];
    const track = (page: Page): void => void opened.push(page);
    extensionContext.on('page', track);
    await use(extensionContext);
    extensionContext.off('page', track);
    await Promise.all(opened.map((page) => page.close().catch(() => {})));
  },

  // The harness's own chrome.* calls run here, not in the service worker: evaluating in the
  // worker would wake it (or hang while it is stopped) and could hide the very lifecycle bugs
  // the tests look for.
  extensionPage: [
    async ({ extensionContext, extensionId }, use) => {
      const page = await openHarnessPage(extensionContext, extensionId);
      await use(page);
      await page.close();
    },
    { scope: 'worker' },
  ],

  // Tabs are opened with chrome.windows.create (see openTab), a window each.
  newTab: async ({ context, extensionPage, server }, use) => {
    let count = 0;
    await use(async () => {
      const { page, tabId } = await openTab(context, extensionPage, `${server.url}/blank.html?tab=${process.pid}-${Date.now()}-${++count}`);
      tabIds.set(page, tabId);
      return page;
    });
  },

  page: async ({ newTab }, use) => {
    await use(await newTab());
  },

  origin: async ({ server }, use) => {
    await use(server.url);
  },

  pageUrl: async ({ server }, use, testInfo) => {
    let count = 0;
    await use((path = 'index.html') => {
      const url = new URL(path, server.url + '/');
      url.searchParams.set('case', `${testInfo.testId}-${++count}`);
      return url.href;
    });
  },

  serviceWorker: async ({ extensionContext, extensionId }, use) => {
    await use(await extensionWorker(extensionContext, extensionId));
  },

  tabIdOf: async ({}, use) => {
    await use(async (page) => {
      const tabId = tabIds.get(page);
      if (tabId === undefined) throw new Error('tabIdOf: open the page with newTab() (or use the `page` fixture)');
      return tabId;
    });
  },

  openPanel: async ({ context, extensionId }, use) => {
    await use((tabId) => openPanel(context, extensionId, tabId));
  },

  collectGarbage: async ({ context }, use) => {
    const sessions = new Map<Page, CDPSession>();
    await use(async (page) => {
      let session = sessions.get(page);
      if (session === undefined) {
        session = await context.newCDPSession(page);
        sessions.set(page, session);
      }
      await session.send('HeapProfiler.collectGarbage');
    });
    await Promise.all([...sessions.values()].map((session) => session.detach().catch(() => {})));
  },

  stopServiceWorker: async ({ extensionContext, extensionId }, use) => {
    let watch: WorkerWatch | undefined;
    await use(async () => {
      watch ??= await WorkerWatch.open(extensionContext, extensionId);
      const running = await watch.until((v) => v.runningStatus === 'running', 'a running worker');
      await watch.session.send('ServiceWorker.stopWorker', { versionId: running.versionId });
      await watch.until((v) => v.versionId === running.versionId && v.runningStatus === 'stopped', 'the worker to stop');
    });
    await watch?.close();
  },

  waitForServiceWorkerRunning: async ({ extensionContext, extensionId }, use) => {
    let watch: WorkerWatch | undefined;
    await use(async () => {
      watch ??= await WorkerWatch.open(extensionContext, extensionId);
      await watch.until((v) => v.runningStatus === 'running', 'the worker to run');
    });
    await watch?.close();
  },

  openRealDevToolsPanel: async ({ extensionContext, extensionId, userDataDir, tabIdOf }, use) => {
    const opened: RealDevToolsPanel[] = [];
    await use(async (page) => {
      const result = await openRealDevTools(extensionContext, extensionId, userDataDir, page, await tabIdOf(page));
      opened.push(result);
      return result;
    });
    for (const devtools of opened) await devtools.close();
  },
});

/** Opens DevTools for `page` (`Target.openDevTools` on the browser session), then shows Trackables in it. */
async function openRealDevTools(
  context: BrowserContext,
  extensionId: string,
  userDataDir: string,
  page: Page,
  tabId: number,
): Promise<RealDevToolsPanel> {
  const browser = context.browser();
  if (browser === null) throw new Error('openRealDevToolsPanel: the context has no browser');
  const session = await browser.newBrowserCDPSession();
  const pageSession = await context.newCDPSession(page);
  const { targetInfo } = await pageSession.send('Target.getTargetInfo');
  await pageSession.detach();
  await session.send('Target.openDevTools', { targetId: targetInfo.targetId });
  await session.detach();

  return showTrackablesPanel(userDataDir, extensionId, tabId);
}

export { expect };
