import { noDrops, type DropCounters, type RelayDropped } from '../../agent/protocol/messages.js';

/** What the panel shows: the protocol's counters plus the batches it found missing. */
export interface DropTotals extends DropCounters {
  /** Batches missing from a stream's `seq` sequence (lost somewhere between agent and panel). */
  gaps: number;
}

export const DROP_KEYS = ['agentEvents', 'relayMessages', 'historyMessages', 'invalidMessages', 'gaps'] as const satisfies readonly (keyof DropTotals)[];

type WorkerKey = keyof DropCounters;
const WORKER_KEYS: readonly WorkerKey[] = ['agentEvents', 'relayMessages', 'historyMessages', 'invalidMessages'];

/**
 * Sums what was lost on the way, for one tab, without counting anything twice across
 * reconnects. The worker keeps running totals per tab (its history folds relay-drop notices and
 * the `dropped` of every batch into them, including batches it later evicted) and states them in
 * each WorkerHistory. Between histories the panel adds what it sees relayed live; a new history
 * replaces both, since its totals include those. A restarted worker that lost its totals never
 * lowers them.
 *
 * Beyond the worker's totals: `agentEvents` is at least the `dropped` of the batches this panel
 * applied (deduplicated by seq), `invalidMessages` adds the messages this panel rejected, and
 * `gaps` are the missing seqs the store found.
 */
export class DropTally {
  #worker = noDrops();
  #live = noDrops();
  #applied = 0;
  #ownInvalid = 0;
  #gaps = 0;

  /** A batch was applied; `live` when it came as a relay rather than in a history. */
  batchApplied(dropped: number, live: boolean): void {
    this.#applied += dropped;
    if (live) this.#live.agentEvents += dropped;
  }

  relayDropped(notice: RelayDropped): void {
    this.#live.relayMessages += notice.messages;
    this.#live.invalidMessages += notice.invalid ?? 0;
  }

  gap(batches: number): void {
    this.#gaps += batches;
  }

  invalid(): void {
    this.#ownInvalid++;
  }

  history(drops: DropCounters): void {
    for (const key of WORKER_KEYS) this.#worker[key] = Math.max(this.#worker[key] + this.#live[key], drops[key]);
    this.#live = noDrops();
  }

  totals(): DropTotals {
    const seen = (key: WorkerKey): number => this.#worker[key] + this.#live[key];
    return {
      agentEvents: Math.max(this.#applied, seen('agentEvents')),
      relayMessages: seen('relayMessages'),
      historyMessages: seen('historyMessages'),
      invalidMessages: seen('invalidMessages') + this.#ownInvalid,
      gaps: this.#gaps,
    };
  }
}
