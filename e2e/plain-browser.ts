// Plain Chromium without the extension, as a user's own Playwright suite has it: one browser
// per worker, a fresh context and page per test. Specs extend this with the server they need.
import { test as base, chromium, type Browser } from '@playwright/test';
import { BASE_ARGS, CHROMIUM, startFixtureServer } from './harness.js';

export const plainBrowserTest = base.extend<object, { plainBrowser: Browser }>({
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

/** plainBrowserTest with e2e/pages (and the built agent under /agent/) served, one server per worker. */
export const fixturePagesTest = plainBrowserTest.extend<object, { fixtureOrigin: string }>({
  fixtureOrigin: [
    async ({}, use) => {
      const server = await startFixtureServer();
      await use(server.url);
      await server.close();
    },
    { scope: 'worker' },
  ],
});
