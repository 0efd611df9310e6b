// The demo app in plain Chromium, without the extension: what a user's own Playwright suite sees.
// One server and one browser per worker; a fresh context and page per test.
import { startStaticServer } from '../scripts/static-server.js';
import { plainBrowserTest } from './plain-browser.js';

export { expect } from '@playwright/test';

export const test = plainBrowserTest.extend<object, { demoUrl: string }>({
  demoUrl: [
    async ({}, use) => {
      const server = await startStaticServer({ '/': 'dist/demo', '/agent/': 'dist/agent' });
      await use(`${server.url}/`);
      await server.close();
    },
    { scope: 'worker' },
  ],
});
