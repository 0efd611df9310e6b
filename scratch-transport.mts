import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extensionIdOf, launchWithExtension, openHarnessPage, openPanel, openTab, startFixtureServer } from './e2e/harness.js';

const server = await startFixtureServer();
const context = await launchWithExtension(mkdtempSync(join(tmpdir(), 'tr-')));
const extensionId = await extensionIdOf(context);
const harness = await openHarnessPage(context, extensionId);
const { page, tabId } = await openTab(context, harness, `${server.url}/bench.html`);
const panel = await openPanel(context, extensionId, tabId);
await panel.locator('[data-connection="connected"]').waitFor();
const cdp = await context.newCDPSession(page);
await cdp.send('Performance.enable');
const thread = async () => {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN) * 1000;
};
const n = Number(process.argv[2] ?? 100000);
const t: number[] = [], idle: number[] = [];
for (let r = 0; r < 16; r++) {
  for (const k of [n, 0]) {
    await page.evaluate((k) => (window as any).bench.prepareTransport(k), k);
    const a = await thread();
    await page.evaluate((k) => (window as any).bench.transport(k), k);
    const b = await thread();
    (k ? t : idle).push(b - a);
  }
}
const med = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1]!;
console.log('transport', med(t).toFixed(2), 'idle', med(idle).toFixed(2), 'all t', t.map((x) => x.toFixed(1)).join(' '));
if (process.argv[3] === 'profile') {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  for (let r = 0; r < 20; r++) {
    await page.evaluate((k) => (window as any).bench.prepareTransport(k), n);
    await page.evaluate((k) => (window as any).bench.transport(k), n);
  }
  const { profile } = await cdp.send('Profiler.stop');
  const self = new Map<string, number>();
  const dt = new Map<number, number>();
  profile.samples!.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas![i] ?? 0)));
  for (const node of profile.nodes) {
    const key = `${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (dt.get(node.id) ?? 0));
  }
  console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000 / 20).toFixed(2)} ms  ${k}`).join('\n'));
}
await context.close();
await server.close();
