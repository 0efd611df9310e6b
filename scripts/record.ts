// `npm run record -- <url> [--seconds N] [--out file] [--why]`: records what the Trackables agent of
// a page does, headlessly, into a recording file (docs/recording-format.md) the panel can import.
// With --why, the recording also holds what keeps each instance alive at the end (retainer paths).
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { attachTrackables } from '../agent/playwright/index.js';
import { recordRetainers } from '../agent/playwright/heap/record-retainers.js';
import { BASE_ARGS, CHROMIUM } from '../e2e/harness.js';

const USAGE = 'usage: npm run record -- <url> [--seconds N] [--out file] [--why]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: 'string', default: '10' }, out: { type: 'string' }, why: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
});
const url = positionals[0];
const seconds = Number(values.seconds);
if (values.help || url === undefined || positionals.length > 1 || !(seconds > 0)) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing. Install Chromium with  sudo apt-get install -y chromium  (Debian/Ubuntu) and run again.`);
  process.exit(1);
}
const out = values.out ?? `trackables-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: BASE_ARGS,
});
try {
  const page = await browser.newPage();
  // Attached before the page loads, so the recording starts at the agent's first event.
  const trackables = await attachTrackables(page);
  const recorder = trackables.record();
  await page.goto(url);

  const progress = (left: number): void => {
    const { events, types } = trackables.stats();
    const line = `Recording ${url}: ${events.toLocaleString('en')} events, ${types} types, ${left}s left`;
    if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${line}`);
    else if (left === 0) console.log(line);
  };
  // One line updated in place once a second: the wait is the recording itself, not a poll.
  for (let left = seconds; left > 0; left--) {
    progress(left);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  progress(0);
  if (process.stdout.isTTY) process.stdout.write('\n');

  await trackables.collectGarbage();
  const recording = await recorder.stop();
  const why = values.why ? await recordRetainers(trackables, recording) : null;
  writeFileSync(out, JSON.stringify(recording));
  const snapshot = await trackables.snapshot();
  await trackables.detach();

  const rows = Object.entries(snapshot.types).map(([type, counts]) => [type, String(counts.live), String(counts.created), String(counts.retired)]);
  const table = [['type', 'live', 'created', 'retired'], ...rows];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  for (const row of table) console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '));
  if (rows.length === 0) console.log('(no Trackables agent reported from this page: is a PostMessageTracker the global tracker?)');
  const messages = recording.sessions.reduce((sum, session) => sum + session.messages.length, 0);
  console.log(`\nWrote ${out}: ${recording.sessions.length} session(s), ${messages} messages (after a forced garbage collection).`);
  if (why !== null) console.log(why);
} finally {
  await browser.close();
}
