import type { AgentTotals } from './messages.js';
import { Op } from './wire.js';

/**
 * One type's counts, the one counting rule every reader applies to lifecycle events (the agent's
 * `Tracker`, the panel's sessions, the Playwright helper), so their numbers can be compared.
 */
export interface TypeCounts {
  /** Attached, and neither detached nor destroyed since (pytracker's `allocated`). */
  live: number;
  /** Attached, in total: every instance ever created and tracked. */
  created: number;
  /** Destroyed (garbage-collected) while attached (pytracker's `deallocated`). */
  retired: number;
}

/** Counts of a type nothing has happened to yet. */
export function zeroCounts(): TypeCounts {
  return { live: 0, created: 0, retired: 0 };
}

/**
 * Applies one lifecycle event to a type's counts. An update changes no count. A detach does not
 * retire: the tracker no longer hears of the instance, so its collection is never reported.
 */
export function countEvent(counts: TypeCounts, op: Op): void {
  switch (op) {
    case Op.attached:
      counts.live++;
      counts.created++;
      break;
    case Op.detached:
      counts.live--;
      break;
    case Op.destroyed:
      counts.live--;
      counts.retired++;
      break;
  }
}

/** An agent's totals as a reader took them as its counts, with how many events it had received then. */
export interface TakenTotals {
  readonly totals: AgentTotals;
  readonly received: number;
}

/**
 * Whether totals taken after batch `totalsSeq` are stale for a reader that already applied batch
 * `lastSeq`: they would undo what it counted since, so it ignores them (docs/protocol.md, "Totals").
 */
export function staleTotals(totalsSeq: number, lastSeq: number): boolean {
  return totalsSeq < lastSeq;
}

/**
 * What a reader's per-instance detail misses as of the totals it took: events the stream produced
 * that never reached it, and how many of those the agent dropped itself (its buffer was full).
 */
export function missedDetail({ totals, received }: TakenTotals): { missed: number; droppedByAgent: number } {
  const missed = Math.max(0, totals.events - received);
  return { missed, droppedByAgent: Math.min(missed, totals.dropped) };
}
