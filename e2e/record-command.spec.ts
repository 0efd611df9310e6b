// `npm run record` as a user runs it: a separate process recording the demo headlessly.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkRecording } from '../agent/protocol/recording.js';
import { decodeBatch } from '../agent/protocol/decode.js';
import { expect, test } from './demo-fixtures.js';

const run = promisify(execFile);

test('npm run record writes a valid recording of the demo and prints a per-type summary', async ({ demoUrl }) => {
  const out = join(mkdtempSync(join(tmpdir(), 'trackables-record-')), 'demo.json');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/record.ts', demoUrl, '--seconds', '1', '--out', out]);

  const checked = checkRecording(JSON.parse(readFileSync(out, 'utf8')));
  if (!checked.ok) throw new Error(`invalid recording: ${checked.reason}`);
  const [session] = checked.message.sessions;
  expect(session?.url).toBe(demoUrl);
  const types = new Set(
    session!.messages.flatMap((message) => (message.kind === 'batch' ? decodeBatch(message).map((event) => event.type) : [])),
  );
  // The demo starts on the to-do route (bus, store, view and the view's subscription), its React part mounted.
  expect([...types].sort()).toEqual(['EventBus', 'ReactPanel', 'Subscription', 'TodoStore', 'TodoView', 'WindowWidth']);
  expect(stdout).toMatch(/TodoView\s+1\s+1\s+0/);
  expect(stdout).toContain(out);
});
