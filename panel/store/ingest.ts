import type { AgentMessage, Origin } from '../../agent/protocol/messages.js';
import type { DropTally } from './drop-tally.js';
import type { Session } from './session.js';

/** What applying a message changed in its session, for the store to announce. */
export interface Ingested {
  /** A stream was added or told its URL: how the session is described in lists changed. */
  described: boolean;
  /** Events or totals were applied: counts and lifelines changed. */
  events: boolean;
  /** Batches of the stream went missing before this one. */
  gap: boolean;
}

/**
 * The one path every agent message takes into a session, live or imported: a hello names its
 * stream; totals become the stream's share of the counts; a batch is applied once (replays after
 * a reconnect, and copies, carry seqs already applied), and missing seqs are counted as gaps.
 * Losses are counted only once the batch applied, so a batch that breaks while being applied is
 * no gap and no drop: the caller counts it invalid.
 */
export function ingest(session: Session, origin: Origin, message: AgentMessage, live: boolean, drops: DropTally): Ingested {
  const streams = session.streams.size;
  const stream = session.stream(message.frame, origin);
  if (message.kind === 'hello') {
    const [url, start] = [stream.url, session.startTime];
    session.hello(stream, message);
    return { described: streams !== session.streams.size || url !== stream.url || start !== session.startTime, events: false, gap: false };
  }
  const described = streams !== session.streams.size;
  if (message.kind === 'totals') {
    const start = session.startTime;
    const taken = session.applyTotals(stream, message);
    return { described: described || start !== session.startTime, events: taken, gap: false };
  }
  const lastSeq = stream.lastSeq;
  if (message.seq <= lastSeq) return { described, events: false, gap: false };
  session.applyBatch(stream, message);
  const gap = message.seq > lastSeq + 1;
  if (gap) drops.gap(message.seq - lastSeq - 1);
  drops.batchApplied(message.dropped, live);
  return { described, events: true, gap };
}
