// Launching Chromium with the built extension, opening tabs whose Chrome tab id is known, and
// opening the panel as a tab: plain functions, shared by the Playwright fixtures (fixtures.ts)
// and the pipeline benchmark (extension/bench/pipeline.bench.ts), which is no Playwright test.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, expect, type Browser, type BrowserContext, type Frame, type Page } from '@playwright/test';
import { startStaticServer, type StaticServer } from '../scripts/static-server.js';

const root = resolve(import.meta.dirname, '..');
/** The built extension; TRACKABLES_EXTENSION points elsewhere (e.g. a stub) when debugging the harness. */
export const EXTENSION_DIR = resolve(process.env['TRACKABLES_EXTENSION'] ?? join(root, 'dist', 'extension'));
export const CHROMIUM = process.env['TRACKABLES_CHROMIUM'] ?? '/usr/bin/chromium';

/** Quiet, reproducible Chromium: no updates, syncing or first-run pages competing for the CPU. */
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The build with the "debugger" permission (scripts/build.mjs), for the Collect garbage button. */
export const EXTENSION_GC_DIR = join(root, 'dist', 'extension-gc');

const extensionArgs = (dir: string) => [...BASE_ARGS, `--disable-extensions-except=${dir}`, `--load-extension=${dir}`];

/** Serves the fixture pages at `/` and the built script-tag agent at `/agent/`. */
export function startFixtureServer(): Promise<StaticServer> {
  return startStaticServer({ '/': join(root, 'e2e', 'pages'), '/agent/': join(root, 'dist', 'agent') });
}

/** Headless Chromium with the built extension (extensions need a persistent context). */
export async function launchWithExtension(userDataDir: string, extraArgs: string[] = [], extensionDir = EXTENSION_DIR): Promise<BrowserContext> {
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(`No built extension at ${extensionDir}: run \`npm run build\` first.`);
  }
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...extensionArgs(extensionDir), ...extraArgs],
  });
}

/** The extension's id, from its service worker's URL (waits for the worker to start). */
export async function extensionIdOf(context: BrowserContext): Promise<string> {
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  return new URL(worker.url()).host;
}

/**
 * An extension page that runs none of the extension's code, for the harness's chrome.* calls:
 * evaluating in the service worker would wake it (or hang while it is stopped). The manifest,
 * opened as a page, is an extension page with chrome.tabs and chrome.windows.
 */
export async function openHarnessPage(context: BrowserContext, extensionId: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/manifest.json`);
  return page;
}

/**
 * Opens `url` in a new window with chrome.windows.create, which returns the tab id: the
 * extension has no "tabs" permission, so chrome.tabs.query leaves out url and title and cannot
 * find a tab by URL, and CDP target ids are not Chrome tab ids. A window of its own keeps the tab
 * visible (a background tab's timers are throttled). `url` must be unique among open pages.
 */
export async function openTab(context: BrowserContext, harnessPage: Page, url: string): Promise<{ page: Page; tabId: number }> {
  const opened = context.waitForEvent('page', { predicate: (page) => page.url() === url });
  const tabId = await harnessPage.evaluate(
    async (href) => (await chrome.windows.create({ url: href, focused: true }))?.tabs?.[0]?.id,
    url,
  );
  const page = await opened;
  if (typeof tabId !== 'number') throw new Error('chrome.windows.create gave no tab id');
  await page.waitForLoadState();
  return { page, tabId };
}

/** The panel as an extension page in its own tab, showing `tabId`. */
export async function openPanel(context: BrowserContext, extensionId: string, tabId: number): Promise<Page> {
  const panel = await context.newPage();
  await panel.goto(`chrome-extension://${extensionId}/panel.html?tabId=${tabId}`);
  return panel;
}

/** Polls `read` until it returns a value (not undefined). */
export async function pollFor<T>(read: () => Promise<T | undefined> | T | undefined, what: string, timeout = 15_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    // A poll interval, not a wait for an outcome: the condition is re-checked every time.
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** Real DevTools showing the Trackables panel. */
export interface RealDevToolsPanel {
  /** The DevTools front end, as a page of a second CDP connection. */
  devtools: Page;
  /** The panel.html frame inside DevTools. */
  panel: Frame;
  close(): Promise<void>;
}

/**
 * Shows the Trackables panel in a DevTools window already open for `tabId` (any, when
 * undefined), in a browser started with --remote-debugging-port=0 and `userDataDir`. Uses
 * DevTools internals, as measured in /work/shared/notes/chromium-e2e.md:
 * - DevTools targets are reachable only through a second CDP connection (port from
 *   DevToolsActivePort) made while PW_CHROMIUM_ATTACH_TO_OTHER is set. The variable is read on
 *   every target attach, process-wide, so it is set only around that connection: left set, the
 *   launch connection attaches to the DevTools window as well, which breaks the front end;
 * - never touch `InspectorView.instance()` before DevTools created it: that creates it too early
 *   and DevTools fails with "Unable to create settings"; `maybeGetInspectorViewInstance()` is
 *   the side-effect-free read;
 * - an extension panel's tab id is `chrome-extension://<id>` + its title without whitespace.
 */
export async function showTrackablesPanel(userDataDir: string, extensionId: string, tabId?: number): Promise<RealDevToolsPanel> {
  const port = readFileSync(join(userDataDir, 'DevToolsActivePort'), 'utf8').split('\n')[0];
  let second: Browser;
  process.env['PW_CHROMIUM_ATTACH_TO_OTHER'] = '1';
  try {
    second = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  } finally {
    delete process.env['PW_CHROMIUM_ATTACH_TO_OTHER'];
  }

  const devtoolsFrame = `chrome-extension://${extensionId}/devtools.html`;
  // Several DevTools windows may be open: take the one whose devtools page inspects our tab.
  const devtools = await pollFor(async () => {
    for (const candidate of second.contexts().flatMap((c) => c.pages())) {
      if (!candidate.url().startsWith('devtools://')) continue;
      for (const frame of candidate.frames()) {
        if (!frame.url().startsWith(devtoolsFrame)) continue;
        const inspected = await frame.evaluate(() => chrome.devtools.inspectedWindow.tabId).catch(() => undefined);
        if (tabId === undefined || inspected === tabId) return candidate;
      }
    }
    return undefined;
  }, `a DevTools window with the Trackables devtools page${tabId === undefined ? '' : ` for tab ${tabId}`}`, 30_000);

  await devtools.evaluate(async () => {
    // Module specifiers resolve against the DevTools front end's own URL.
    (globalThis as Record<string, unknown>)['__trackablesLegacyUI'] = await import(
      /* webpackIgnore: true */ './ui/legacy/legacy.js' as string
    );
  });
  const panelId = `chrome-extension://${extensionId}Trackables`;
  await devtools.waitForFunction(
    (id) => {
      type Legacy = {
        InspectorView: { InspectorView: { maybeGetInspectorViewInstance(): { tabbedPane: { tabIds(): string[] } } | null } };
      };
      const legacy = (globalThis as Record<string, unknown>)['__trackablesLegacyUI'] as Legacy;
      const view = legacy.InspectorView.InspectorView.maybeGetInspectorViewInstance();
      return view?.tabbedPane.tabIds().includes(id) ?? false;
    },
    panelId,
    { timeout: 30_000 },
  );
  await devtools.evaluate((id) => {
    (globalThis as unknown as { InspectorFrontendAPI: { showPanel(id: string): void } }).InspectorFrontendAPI.showPanel(id);
  }, panelId);
  const panelUrl = `chrome-extension://${extensionId}/panel.html`;
  const panel = await pollFor(
    () => devtools.frames().find((frame) => frame.url().startsWith(panelUrl)),
    'the Trackables panel frame in DevTools',
  );
  await expect.poll(() => panel.evaluate(() => typeof chrome.devtools?.inspectedWindow?.tabId)).toBe('number');
  return {
    devtools,
    panel,
    close: async () => {
      await devtools.close().catch(() => {});
      await second.close().catch(() => {});
    },
  };
}

