// The demo app in plain Chromium, without the extension: what a user's own Playwright suite sees.
// One server and one browser per worker; a fresh context and page per test.
import { test as base, chromium, type Browser } from '@playwright/test';
import { startStaticServer } from '../scripts/static-server.js';
import { BASE_ARGS, CHROMIUM } from './harness.js';

export { expect } from '@playwright/test';

export const test = base.extend<object, { demoUrl: string; plainBrowser: Browser }>({
  demoUrl: [
    async ({}, use) => {
      const server = await startStaticServer({ '/': 'dist/demo', '/agent/': 'dist/agent' });
      await use(`${server.url}/`);
      await server.close();
    },
    { scope: 'worker' },
  ],
  plainBrowser: [
    async ({}, use) => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
  page: async ({ plainBrowser }, use) => {
    const context = await plainBrowser.newContext();
    await use(await context.newPage());
    await context.close();
  },
});
