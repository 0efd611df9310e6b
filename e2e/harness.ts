// Launching Chromium with the built extension, opening tabs whose Chrome tab id is known, and
// opening the panel as a tab: plain functions, shared by the Playwright fixtures (fixtures.ts)
// and the pipeline benchmark (extension/bench/pipeline.bench.ts), which is no Playwright test.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
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

export const EXTENSION_ARGS = [...BASE_ARGS, `--disable-extensions-except=${EXTENSION_DIR}`, `--load-extension=${EXTENSION_DIR}`];

/** Serves the fixture pages at `/` and the built script-tag agent at `/agent/`. */
export function startFixtureServer(): Promise<StaticServer> {
  return startStaticServer({ '/': join(root, 'e2e', 'pages'), '/agent/': join(root, 'dist', 'agent') });
}

/** Headless Chromium with the built extension (extensions need a persistent context). */
export async function launchWithExtension(userDataDir: string, extraArgs: string[] = []): Promise<BrowserContext> {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`No built extension at ${EXTENSION_DIR}: run \`npm run build\` first.`);
  }
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...EXTENSION_ARGS, ...extraArgs],
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
