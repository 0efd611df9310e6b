/*
 * Retainer paths of imported sessions (recording format 3, `npm run record -- <url> --why`),
 * by session, frame and serial. Kept beside the sessions rather than in them: only imports have
 * them, and a forgotten session takes its paths along (weak keys).
 */
import type { RecordedRetainer } from '../../agent/protocol/recorded-retainers.js';

const bySession = new WeakMap<object, Map<string, RecordedRetainer>>();

const key = (frame: string, serial: number): string => `${frame}\n${serial}`;

/** Keeps a recorded session entry's retainer paths for `session` (the panel's session object). */
export function rememberRetainers(session: object, frame: string, retainers: readonly RecordedRetainer[] | undefined): void {
  if (retainers === undefined) return;
  let paths = bySession.get(session);
  if (paths === undefined) bySession.set(session, (paths = new Map()));
  for (const retainer of retainers) paths.set(key(frame, retainer.serial), retainer);
}

/**
 * What held an instance: its path; null when the session's recording has paths but none for it
 * (it was collected, or beyond the recorded ones); undefined when the session has no paths at all.
 */
export function retainerOf(session: object | undefined, frame: string, serial: number): RecordedRetainer | null | undefined {
  const paths = session === undefined ? undefined : bySession.get(session);
  if (paths === undefined) return undefined;
  return paths.get(key(frame, serial)) ?? null;
}
