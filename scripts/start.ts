// `npm start`: build, serve the demo app, and open Chromium with the extension loaded and DevTools
// open on the demo. Without a display it says so, keeps serving, and points to `npm run record`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM, extensionIdOf, showTrackablesPanel } from '../e2e/harness.js';
import { startStaticServer } from './static-server.js';

const port = Number(process.env.PORT ?? 5757);

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const server = await startStaticServer({ '/': 'dist/demo', '/agent/': 'dist/agent' }, port);
const demo = `${server.url}/`;
console.log(`\nDemo app: ${demo}   (leaking variant: ${demo}?leak)`);

if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.log(`
No display here ($DISPLAY is not set), so no browser window can open.
- Record the demo headlessly instead:  npm run record -- ${demo} --seconds 10 --out demo.trackables.json
- Or, on a machine with a display, load the unpacked extension from ${resolve('dist/extension')}
  (chrome://extensions → Developer mode → Load unpacked) and open ${demo}
The demo keeps being served until you press Ctrl+C.`);
} else if (!existsSync(CHROMIUM)) {
  console.log(`\n${CHROMIUM} is missing: install it with  sudo apt-get install -y chromium`);
} else {
  const extension = resolve('dist/extension');
  const profile = mkdtempSync(join(tmpdir(), 'trackables-start-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false,
    viewport: null,
    args: [
      `--disable-extensions-except=${extension}`,
      `--load-extension=${extension}`,
      '--auto-open-devtools-for-tabs',
      // For the second connection that switches DevTools to the Trackables panel.
      '--remote-debugging-port=0',
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(demo);
  try {
    await showTrackablesPanel(profile, await extensionIdOf(context));
    console.log('Chromium is open on the demo, with DevTools showing the Trackables panel. Close the browser to stop.');
  } catch (error) {
    // Switching panels goes through DevTools internals, which a Chromium update may move.
    console.log(`Chromium is open with DevTools: pick the "Trackables" panel (» menu if hidden). Close the browser to stop.
(Could not switch DevTools to it: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  context.on('close', () => void server.close().then(() => process.exit(0)));
}
