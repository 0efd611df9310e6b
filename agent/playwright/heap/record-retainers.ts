import type { RecordedRetainer } from '../../protocol/recorded-retainers.js';
import type { Recording } from '../../protocol/recording.js';
import type { TrackablesAttachment } from '../attach.js';
import { SessionState } from '../counts.js';

/** Paths recorded at most per session: each costs a round trip; a page with more is a leak to read in the panel, not all at once. */
export const MAX_RECORDED_PATHS = 2_000;

/**
 * Adds to each session of `recording` still on the page (the main frame's and iframes') what holds its instances
 * still alive (live ones, and those detached from their tracker but not collected), from one
 * heap snapshot per session. Returns a one-line summary for the console.
 */
export async function recordRetainers(trackables: TrackablesAttachment, recording: Recording): Promise<string> {
  const onPage = new Set(trackables.sessions().map((info) => `${info.session}\n${info.frame}`));
  let paths = 0;
  let left = 0;
  for (const entry of recording.sessions) {
    if (!onPage.has(`${entry.session}\n${entry.frame}`)) continue;
    const state = new SessionState(entry.session, entry.frame);
    for (const message of entry.messages) state.apply(message);
    const live = Object.values(state.counts(true)).flatMap((counts) => (counts.serials ?? []).map((instance) => instance.serial));
    const detached = new Set(state.detachedSerials());
    const serials = [...live, ...detached];
    left += Math.max(0, serials.length - MAX_RECORDED_PATHS);
    let answers;
    try {
      answers = await trackables.whyAlive(serials.slice(0, MAX_RECORDED_PATHS), { session: entry.session });
    } catch {
      // The page navigated away from the session: nothing of it is left to explain.
      continue;
    }
    const retainers: RecordedRetainer[] = [];
    for (const answer of answers) {
      if (answer.status !== 'alive') continue;
      const path = answer.path;
      const retainer: RecordedRetainer = {
        serial: answer.serial,
        type: answer.type,
        status: path === null ? 'unreachable' : 'alive',
        detached: detached.has(answer.serial),
        steps: (path?.steps ?? []).map((step) => ({ ...step })),
        lines: path?.lines ?? [],
      };
      if (path?.harness !== undefined) retainer.harness = { ...path.harness };
      retainers.push(retainer);
    }
    entry.retainers = retainers;
    paths += retainers.length;
  }
  return `Retainer paths: ${paths} instance(s) still alive${left > 0 ? `; ${left} more left out (at most ${MAX_RECORDED_PATHS} per session)` : ''}.`;
}
