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
  close(): Promise<void>;
}

/** Headless Firefox with the Firefox build (plus the opener) installed as a temporary add-on. */
export async function launchFirefoxWithExtension(origin: string): Promise<FirefoxWithExtension> {
  const dir = testVariant(origin);
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  try {
    await browser.installExtension(dir);
  } catch (error) {
    await browser.close();
    throw error;
  }
  return {
    browser,
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
