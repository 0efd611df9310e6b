import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_DIR, startFixtureServer } from './harness.js';
import { expect, test } from './fixtures.js';
import { expectTable, NO_DROPS, sessionOptions } from './panel.js';
import './page-api.js';

declare global {
  interface Window {
    forge(): number;
  }
}

// Two tabs never mix: e2e/tabs.spec.ts.

test('agent messages posted into the page by a frame of another origin are ignored, not even counted', async ({
  page,
  pageUrl,
  tabIdOf,
  openPanel,
}) => {
  // Another port is another origin.
  const other = await startFixtureServer();
  try {
    await page.goto(pageUrl());
    const panel = await openPanel(await tabIdOf(page));
    await page.evaluate(() => window.create('Widget', 2));
    await expectTable(panel, { Widget: { live: 2, created: 2, retired: 0 } });

    // The page's own count of what the forger posted to it: proof the messages did arrive.
    await page.evaluate(() => {
      const seen = { count: 0 };
      Object.assign(window, { forgedSeen: seen });
      window.addEventListener('message', (event) => {
        if (event.source !== window && (event.data as { source?: unknown } | null)?.source === 'trackables-agent') seen.count++;
      });
    });
    await page.evaluate(
      (src) =>
        new Promise((loaded) => {
          const frame = document.createElement('iframe');
          frame.name = 'forger';
          frame.src = src;
          frame.onload = loaded;
          document.body.append(frame);
        }),
      `${other.url}/forger.html`,
    );
    const forger = page.frame({ name: 'forger' });
    if (forger === null) throw new Error('no forger frame');
    expect(new URL(forger.url()).origin).not.toBe(new URL(page.url()).origin);
    // More rounds, interleaved with the page's own events.
    for (let round = 0; round < 3; round++) {
      await forger.evaluate(() => window.forge());
      await page.evaluate(() => window.create('Store', 1));
    }
    // 4 rounds (one on load) of 3 messages; parent and top are the same window here.
    await expect.poll(() => page.evaluate(() => (window as unknown as { forgedSeen: { count: number } }).forgedSeen.count)).toBe(12);
    // A Marker after everything the forger posted: once the panel shows it, anything forged
    // that got through would have arrived before it (one port, in order).
    await page.evaluate(() => window.create('Marker', 1));
    await expectTable(
      panel,
      {
        Widget: { live: 2, created: 2, retired: 0 },
        Store: { live: 3, created: 3, retired: 0 },
        Marker: { live: 1, created: 1, retired: 0 },
      },
      // The relay checks event.source === its own window before anything else, so even the
      // malformed forged message is not counted as invalid: it never reached validation.
      { drops: NO_DROPS },
    );
    // No forged session either: only the page's own.
    expect(await sessionOptions(panel)).toHaveLength(1);
  } finally {
    await other.close();
  }
});

test('extension pages have a strict CSP and load no remote code', () => {
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as {
    content_security_policy?: { extension_pages?: string };
    content_scripts?: { js?: string[] }[];
  };
  // MV3 forbids remote code and unsafe-eval in extension pages; this pins our own policy too.
  expect(manifest.content_security_policy?.extension_pages).toBe("script-src 'self'; object-src 'self'");

  const files = readdirSync(EXTENSION_DIR);
  const scripts = files.filter((file) => file.endsWith('.js'));
  expect(scripts).toEqual(expect.arrayContaining(['content.js', 'worker.js', 'devtools.js', 'panel.js']));
  for (const file of scripts) {
    const code = readFileSync(join(EXTENSION_DIR, file), 'utf8');
    // Code from strings (a global eval, not a method such as inspectedWindow.eval), and scripts fetched at run time.
    expect(code, file).not.toMatch(/(?<![.\w$])eval\s*\(|\bnew\s+Function\s*\(|\bimportScripts\s*\(|\bimport\s*\(\s*["'`]https?:/);
    expect(code, file).not.toMatch(/["'`]https?:\/\/[^"'`]*\.m?js["'`]/);
  }
  for (const file of files.filter((name) => name.endsWith('.html'))) {
    const html = readFileSync(join(EXTENSION_DIR, file), 'utf8');
    const sources = [...html.matchAll(/<script\b[^>]*\bsrc=["']?([^"'\s>]+)/g)].map((match) => match[1]);
    expect(sources.length, file).toBeGreaterThan(0);
    // Every script an extension page loads is one of the extension's own files.
    for (const source of sources) expect(scripts, `${file} loads ${source}`).toContain(source);
    expect(html, file).not.toMatch(/<script\b(?![^>]*\bsrc=)[^>]*>\s*\S/);
  }
});
