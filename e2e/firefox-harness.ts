// Real Firefox (Debian's firefox-esr) with the built Firefox extension, driven by puppeteer-core
// over WebDriver BiDi: Playwright's firefox needs its own patched build. Measured facts:
// /work/shared/notes/firefox.md.
//
// BiDi will not navigate a tab to a moz-extension:// URL and a web page cannot open one, so the
// panel page is opened by the extension itself: the harness installs a copy of the build, in a
// temp dir, with a test-only opener (a background script and a content script on the fixture
// server's origin). The build users install has no opener.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { EvalExceptionInfo, InspectedWindow } from '../panel/reveal.js';

const root = resolve(import.meta.dirname, '..');
export const FIREFOX_EXTENSION_DIR = join(root, 'dist', 'extension-firefox');
export const FIREFOX = process.env['TRACKABLES_FIREFOX'] ?? '/usr/bin/firefox-esr';

/** The page asks the opener with this window message; the answer carries the tab id. */
const OPEN_PANEL = 'trackables-e2e-open-panel';

const OPENER_BACKGROUND = `// Test only: opens the panel for the tab that asks.
browser.runtime.onMessage.addListener((message, sender) => {
  if (message !== ${JSON.stringify(OPEN_PANEL)} || sender.tab === undefined) return undefined;
  const tabId = sender.tab.id;
  return browser.tabs.create({ url: browser.runtime.getURL('panel.html?tabId=' + tabId) }).then(() => tabId);
});
`;

const OPENER_CONTENT = `// Test only: relays the page's request to open a panel.
window.addEventListener('message', (event) => {
  if (event.source !== window || event.data !== ${JSON.stringify(OPEN_PANEL)}) return;
  browser.runtime.sendMessage(event.data).then((tabId) => window.postMessage({ trackablesE2ePanelFor: tabId }, '*'));
});
`;

/** A copy of the Firefox build plus the test-only opener, for pages served from `origin`. */
function testVariant(origin: string): string {
  if (!existsSync(join(FIREFOX_EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`No built Firefox extension at ${FIREFOX_EXTENSION_DIR}: run \`npm run build\` first.`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'trackables-firefox-ext-'));
  cpSync(FIREFOX_EXTENSION_DIR, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  manifest.background.scripts.push('e2e-opener.js');
  const { hostname } = new URL(origin);
  manifest.content_scripts.push({ matches: [`http://${hostname}/*`], js: ['e2e-opener-content.js'], run_at: 'document_start' });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'e2e-opener.js'), OPENER_BACKGROUND);
  writeFileSync(join(dir, 'e2e-opener-content.js'), OPENER_CONTENT);
  return dir;
}

export interface FirefoxWithExtension {
  browser: Browser;
  /** The add-on id Firefox reports for the installed build. */
  addonId: string;
  close(): Promise<void>;
}

/** Headless Firefox with the Firefox build (plus the opener) installed as a temporary add-on. */
export async function launchFirefoxWithExtension(origin: string): Promise<FirefoxWithExtension> {
  const dir = testVariant(origin);
  // System access lets showFirefoxDevTools drive Firefox's own DevTools from the chrome scope.
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, args: ['--remote-allow-system-access'] });
  let addonId: string;
  try {
    addonId = await browser.installExtension(dir);
  } catch (error) {
    await browser.close();
    throw error;
  }
  return {
    browser,
    addonId,
    async close() {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the panel for `page`'s tab (the page must be on the fixture server) and returns it with
 * the tab id Firefox gave the page. Puppeteer keeps reporting a moz-extension page's URL as
 * about:blank, so the new page is told apart by its own location.
 */
export async function openFirefoxPanel(browser: Browser, page: Page): Promise<{ panel: Page; tabId: number }> {
  const before = new Set(await browser.pages());
  const tabId = await page.evaluate(
    (request) =>
      new Promise<number>((done) => {
        // Inline arrows only: a named function here would not survive tsx's serialization (__name).
        const listening = new AbortController();
        window.addEventListener(
          'message',
          (event) => {
            const answer = (event.data as { trackablesE2ePanelFor?: unknown } | null)?.trackablesE2ePanelFor;
            if (typeof answer !== 'number') return;
            listening.abort();
            done(answer);
          },
          { signal: listening.signal },
        );
        window.postMessage(request, '*');
      }),
    OPEN_PANEL,
  );
  const expected = `panel.html?tabId=${tabId}`;
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    for (const candidate of await browser.pages()) {
      if (before.has(candidate)) continue;
      const href = await candidate.evaluate(() => location.href).catch(() => '');
      if (href.startsWith('moz-extension://') && href.endsWith(expected)) return { panel: candidate, tabId };
    }
    // A poll interval: the condition is checked again each time.
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`the panel for tab ${tabId} did not open`);
}

/** What a BiDi script.evaluate answers (the part used here). */
interface EvaluateResult {
  type: 'success' | 'exception';
  result?: { type: string; value?: unknown };
  exceptionDetails?: { text?: string };
}

/**
 * Evaluates `body` (the inside of an async function returning a JSON-serializable value) in the
 * browser window's chrome scope (Firefox's `moz:scope`, allowed by --remote-allow-system-access);
 * `gDevTools` is in scope. Puppeteer has no API for it: this goes through its BiDi connection.
 */
async function inChrome<T>(browser: Browser, body: string): Promise<T> {
  // BidiBrowser.connection: public on the BiDi browser, absent from the Browser type.
  const { connection } = browser as unknown as { connection: { send(method: string, params: object): Promise<{ result: unknown }> } };
  const tree = (await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' })).result as { contexts: { context: string }[] };
  const context = tree.contexts[0]?.context;
  if (context === undefined) throw new Error('no chrome window');
  const expression = `(async () => {
    const { require } = ChromeUtils.importESModule("resource://devtools/shared/loader/Loader.sys.mjs");
    const { gDevTools } = require("devtools/client/framework/devtools");
    return JSON.stringify(await (async () => { ${body} })());
  })()`;
  const { result } = (await connection.send('script.evaluate', { expression, target: { context }, awaitPromise: true })) as { result: EvaluateResult };
  if (result.type !== 'success' || typeof result.result?.value !== 'string') throw new Error(`chrome scope: ${result.exceptionDetails?.text ?? 'no answer'}`);
  return JSON.parse(result.result.value) as T;
}

/**
 * The inspected window of Firefox's DevTools open on the selected tab (showFirefoxDevTools
 * first), through the same DevTools command `devtools.inspectedWindow.eval` uses in Firefox, so
 * the panel's reveal() can be run against Firefox's real evaluation.
 */
export function firefoxInspectedWindow(firefox: FirefoxWithExtension, tabId: number): InspectedWindow {
  const { browser, addonId } = firefox;
  return {
    tabId,
    eval(expression, options, callback) {
      const answer = inChrome<{ value?: unknown; exceptionInfo?: EvalExceptionInfo }>(
        browser,
        `const toolbox = gDevTools.getToolboxForTab(gBrowser.selectedTab);
         const caller = { addonId: ${JSON.stringify(addonId)}, url: "moz-extension://trackables/panel.js", lineNumber: 1 };
         return toolbox.commands.inspectedWindowCommand.eval(caller, ${JSON.stringify(expression)}, ${JSON.stringify(options)});`,
      );
      answer.then(
        ({ value, exceptionInfo }) => callback(value, exceptionInfo),
        (error: unknown) => callback(undefined, { isError: true, description: String(error) }),
      );
    },
  };
}

/**
 * Opens Firefox's own DevTools on the tab at `url` and selects the extension panel titled
 * `title` (from the chrome scope: puppeteer has no API for it). Returns the tool ids of the
 * extension panels DevTools lists and the one selected. The panel's own document runs in the extension process, out of reach here:
 * the panel as an extension tab (openFirefoxPanel) is what tests read.
 */
export async function showFirefoxDevTools(browser: Browser, url: string, title: string): Promise<{ extensionTools: string[]; selected: string }> {
  return inChrome(
    browser,
    `const tab = gBrowser.tabs.find((candidate) => candidate.linkedBrowser.currentURI.spec === ${JSON.stringify(url)});
     if (tab === undefined) throw new Error("no tab at " + ${JSON.stringify(url)});
     gBrowser.selectedTab = tab;
     const toolbox = await gDevTools.showToolboxForTab(tab, { toolId: "webconsole" });
     const find = () => [...toolbox.additionalToolDefinitions.values()].find((tool) => tool.label === ${JSON.stringify(title)});
     for (let waited = 0; find() === undefined && waited < 15000; waited += 100) await new Promise((done) => setTimeout(done, 100));
     const tool = find();
     if (tool === undefined) throw new Error("DevTools lists no panel titled " + ${JSON.stringify(title)});
     await toolbox.selectTool(tool.id);
     return { extensionTools: toolbox.visibleAdditionalTools, selected: toolbox.currentToolId };`,
  );
}
