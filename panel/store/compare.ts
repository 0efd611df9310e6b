import type { Session, TypeStats } from './session.js';

/** The numbers of a comparison row, by column: deltas first, then each side's counts. */
export const COMPARE_COLUMNS = [
  'deltaLive',
  'deltaCreated',
  'baselineLive',
  'targetLive',
  'baselineCreated',
  'targetCreated',
  'baselineRetired',
  'targetRetired',
  'baselinePeak',
  'targetPeak',
] as const;
export type CompareColumn = (typeof COMPARE_COLUMNS)[number];

/**
 * One type in two sessions. A side where the type never appeared counts as 0 and is named in
 * `only` (the type is then only in the other side).
 */
export type CompareRow = { type: string; only: 'baseline' | 'target' | null } & Record<CompareColumn, number>;

/** The sessions compared; a side is undefined when no listed session fills it. */
export interface ComparedPair {
  baseline: Session | undefined;
  target: Session | undefined;
}

/** The user's picks, by session id; null follows the default. */
export interface ComparePick {
  baseline: string | null;
  target: string | null;
}

const NONE: TypeStats = { type: '', live: 0, created: 0, retired: 0, peak: 0 };

/**
 * Per-type counts of `target` against `baseline`, in no particular order. Session.types already
 * sums a session's frames (iframes included) per type, as the Types view shows them.
 */
export function compareSessions(baseline: Session, target: Session): CompareRow[] {
  const types = new Set([...baseline.types.keys(), ...target.types.keys()]);
  return [...types].map((type): CompareRow => {
    const before = baseline.types.get(type);
    const after = target.types.get(type);
    const a = before ?? NONE;
    const b = after ?? NONE;
    return {
      type,
      only: before === undefined ? 'target' : after === undefined ? 'baseline' : null,
      deltaLive: b.live - a.live,
      deltaCreated: b.created - a.created,
      baselineLive: a.live,
      targetLive: b.live,
      baselineCreated: a.created,
      targetCreated: b.created,
      baselineRetired: a.retired,
      targetRetired: b.retired,
      baselinePeak: a.peak,
      targetPeak: b.peak,
    };
  });
}

/**
 * Resolves the picks against the listed sessions (newest first). A pick no longer listed falls
 * back to the default: the shown session as target, and as baseline the session listed after the
 * target (the one before it in time), else the one listed before it.
 */
export function comparedPair(sessions: readonly Session[], shown: Session | undefined, pick: ComparePick): ComparedPair {
  const byId = (id: string | null): Session | undefined => (id === null ? undefined : sessions.find((session) => session.id === id));
  const target = byId(pick.target) ?? shown ?? sessions[0];
  const at = target === undefined ? -1 : sessions.indexOf(target);
  const baseline = byId(pick.baseline) ?? (at < 0 ? undefined : (sessions[at + 1] ?? sessions[at - 1]));
  return { baseline, target };
}
