/*
 * Retainer paths of imported sessions (recording format 3, `npm run record -- <url> --why`),
 * by session, frame and serial. Kept beside the sessions rather than in them: only imports have
 * them, and a forgotten session takes its paths along (weak keys). An export of the session
 * writes them back (retainersOf), so a recording keeps them through import and export.
 */
import type { RecordedRetainer } from '../../agent/protocol/recorded-retainers.js';

/** By session: by frame, by serial. */
const bySession = new WeakMap<object, Map<string, Map<number, RecordedRetainer>>>();

/** Keeps a recorded session entry's retainer paths for `session` (the panel's session object). */
export function rememberRetainers(session: object, frame: string, retainers: readonly RecordedRetainer[] | undefined): void {
  if (retainers === undefined) return;
  let frames = bySession.get(session);
  if (frames === undefined) bySession.set(session, (frames = new Map()));
  let paths = frames.get(frame);
  if (paths === undefined) frames.set(frame, (paths = new Map()));
  for (const retainer of retainers) paths.set(retainer.serial, retainer);
}

/**
 * What held an instance: its path; null when the session's recording has paths but none for it
 * (it was collected, or beyond the recorded ones); undefined when the session has no paths at all.
 */
export function retainerOf(session: object | undefined, frame: string, serial: number): RecordedRetainer | null | undefined {
  const frames = session === undefined ? undefined : bySession.get(session);
  if (frames === undefined) return undefined;
  return frames.get(frame)?.get(serial) ?? null;
}

/** A frame's recorded paths, as its recording entry had them, for an export; undefined when it had none. */
export function retainersOf(session: object, frame: string): RecordedRetainer[] | undefined {
  const paths = bySession.get(session)?.get(frame);
  return paths === undefined ? undefined : [...paths.values()];
}
