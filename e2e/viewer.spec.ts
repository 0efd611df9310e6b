// The recording viewer without the extension, served as static files the way scripts/viewer.ts
// serves it, in plain Chromium: it opens a recording of the demo given as ?src=.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { attachTrackables } from '../agent/playwright/index.js';
import { startStaticServer } from '../scripts/static-server.js';
import { expect, test } from './demo-fixtures.js';
import { expectTable, NO_DROPS, sessionOptions } from './panel.js';

test('the viewer served over HTTP opens a recording given as ?src=', async ({ page, demoUrl }, testInfo) => {
  const trackables = await attachTrackables(page);
  const recorder = trackables.record();
  await page.goto(demoUrl);
  await page.evaluate(() => (window as unknown as { demo: { add(count: number): void } }).demo.add(3));
  const recording = await recorder.stop();
  const { types } = await trackables.snapshot();
  await trackables.detach();
  expect(types['TodoItem']).toEqual({ live: 3, created: 3, retired: 0 });

  const file = testInfo.outputPath('demo.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(recording));
  const server = await startStaticServer({ '/': 'dist/extension', '/recording/': dirname(file) });
  try {
    await page.goto(`${server.url}/viewer.html?src=/recording/demo.json`);
    await expectTable(page, types, { drops: NO_DROPS });
    expect((await sessionOptions(page))[0]?.label).toMatch(new RegExp(`^imported: ${demoUrl.replace(/[.?]/g, '\\$&')} — .* — demo\\.json$`));

    await page.goto(`${server.url}/viewer.html?src=/recording/missing.json`);
    await expect(page.getByTestId('import-error')).toHaveText('Could not fetch /recording/missing.json: HTTP 404 Not Found');
  } finally {
    await server.close();
  }
});
