import { defineConfig } from '@playwright/test';

// The e2e suite drives the built extension (dist/extension) in the system Chromium; the browser,
// server and fixtures live in e2e/fixtures.ts. `npm run build` must have run first (`npm test`
// does it).
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  reporter: [['list'], ['html', { outputFolder: 'playwright-report', open: 'never' }]],
  // One browser for the whole run: the machine has two cores, and every test opens its own tabs.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env['CI'],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
