import type { PanelSubscribe } from '../../agent/protocol/messages.js';
import { Session } from './session.js';

/** Most sessions kept; beyond it the oldest one not on screen is forgotten. */
export const MAX_SESSIONS = 20;
/**
 * About the most memory the live sessions' lifelines may hold when a new page load starts a
 * session: past it, the oldest not on screen are forgotten first. One session at its bounds
 * holds ~75 MB (250,000 lifelines, 2,000,000 update ticks), so 20 heavy page loads would otherwise keep
 * ~1.5 GB; this keeps about three such besides the one growing.
 */
export const LIVE_SESSIONS_BUDGET_BYTES = 256 * 1024 * 1024;
/** Forgotten sessions whose seqs are still reported in `have`, so the worker does not resend them. */
const MAX_FORGOTTEN = 100;

/**
 * The live sessions a store keeps, within MAX_SESSIONS and the memory budget, and what it still
 * knows of those it forgot: enough that the worker does not resend them and a replay does not
 * bring them back. Also which is the newest page load in the top frame, the session a view that
 * follows page loads shows.
 */
export class LiveSessions {
  readonly #sessions = new Map<string, Session>();
  readonly #forgotten = new Map<string, PanelSubscribe['have']>();
  readonly #budgetBytes: number;
  #newestTop: string | null = null;
  #first: string | null = null;

  constructor(budgetBytes: number) {
    this.#budgetBytes = budgetBytes;
  }

  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  values(): IterableIterator<Session> {
    return this.#sessions.values();
  }

  isForgotten(id: string): boolean {
    return this.#forgotten.has(id);
  }

  /** The newest session whose top frame reported, if any is kept. */
  get newestTop(): string | null {
    return this.#newestTop;
  }

  /** The first session this store ever started, while it is kept. */
  get first(): string | null {
    return this.#first !== null && this.#sessions.has(this.#first) ? this.#first : null;
  }

  /**
   * The session `id`, started at `time` on first sight. Starting one is when the bounds are
   * checked (only the newest page load still grows): the oldest sessions go first, except
   * `onScreen` and the new one. Returns whether the list changed.
   */
  open(id: string, time: number, onScreen: string | undefined): { session: Session; started: boolean } {
    const known = this.#sessions.get(id);
    if (known !== undefined) return { session: known, started: false };
    const session = new Session(id, time);
    this.#sessions.set(id, session);
    this.#first ??= id;
    while (this.#sessions.size > MAX_SESSIONS || this.#bytes() > this.#budgetBytes) {
      if (!this.#forgetOldest(id, onScreen)) break;
    }
    return { session, started: true };
  }

  /** A session's top frame reported: it is the newest page load unless a later one already is. Returns whether it now is. */
  topFrameSeen(session: Session): boolean {
    if (this.#newestTop !== null && (this.#sessions.get(this.#newestTop)?.startTime ?? -Infinity) > session.startTime) return false;
    this.#newestTop = session.id;
    return true;
  }

  /** What to send in PanelSubscribe so the worker replays only batches this store lacks. */
  have(): PanelSubscribe['have'] {
    const have: PanelSubscribe['have'] = [];
    for (const session of this.#sessions.values()) {
      for (const stream of session.streams.values()) have.push({ session: session.id, frame: stream.stream, seq: stream.lastSeq });
    }
    for (const streams of this.#forgotten.values()) have.push(...streams);
    return have;
  }

  #bytes(): number {
    let bytes = 0;
    for (const session of this.#sessions.values()) bytes += session.lifelines.approximateBytes;
    return bytes;
  }

  /** Forgets the oldest session that is neither `keep` nor `onScreen`; false when there is none. */
  #forgetOldest(keep: string, onScreen: string | undefined): boolean {
    let oldest: Session | undefined;
    for (const session of this.#sessions.values()) {
      if (session.id !== onScreen && session.id !== keep && (oldest === undefined || session.startTime < oldest.startTime)) oldest = session;
    }
    if (oldest === undefined) return false;
    this.#sessions.delete(oldest.id);
    if (this.#newestTop === oldest.id) this.#newestTop = null;
    this.#forgotten.set(
      oldest.id,
      [...oldest.streams.values()].map((stream) => ({ session: oldest.id, frame: stream.stream, seq: stream.lastSeq })),
    );
    if (this.#forgotten.size > MAX_FORGOTTEN) this.#forgotten.delete(this.#forgotten.keys().next().value!);
    return true;
  }
}
