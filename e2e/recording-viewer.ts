// Opening a recording in the standalone viewer (the panel's own views, served from the built
// extension), and moving a recording into the past so its "over 30 s ago" lists fill.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Page } from '@playwright/test';
import type { Recording } from '../agent/protocol/recording.js';
import { startStaticServer } from '../scripts/static-server.js';

/** Moves every time of a recording `ms` into the past, so its detached or released instances count as long ago. */
export function shiftBack(recording: Recording, ms: number): void {
  for (const session of recording.sessions) {
    session.startedAt -= ms;
    for (const message of session.messages) {
      if (message.kind === 'hello') message.time -= ms;
      else if (message.kind === 'batch') message.t0 -= ms;
      else message.time -= ms;
    }
  }
}

/** Writes `recording` to `file` and opens it in the viewer on `page`; returns what closes the server. */
export async function openInViewer(page: Page, recording: unknown, file: string): Promise<() => Promise<void>> {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(recording));
  const server = await startStaticServer({ '/': 'dist/extension', '/recording/': dirname(file) });
  await page.goto(`${server.url}/viewer.html?src=/recording/${encodeURIComponent(file.split('/').at(-1)!)}`);
  return () => server.close();
}
