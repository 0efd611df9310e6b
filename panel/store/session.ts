import { forEachEventLazily, isRelease } from '../../agent/protocol/decode.js';
import { Op, type AgentBatch, type AgentHello, type AgentTotals, type Origin } from '../../agent/protocol/messages.js';
import { countEvent, missedDetail, staleTotals, zeroCounts, type TakenTotals, type TypeCounts } from '../../agent/protocol/type-counts.js';
import type { BundleEntry } from './bundle-histories.js';
import type { DropTally } from './drop-tally.js';
import { KeptMessages } from './kept-messages.js';
import { CollectionSeries } from './collections.js';
import { Lifelines, type InstanceRecord } from './lifelines.js';
import { LiveSeries } from './live-series.js';

/** Counts for one type, named as the page names it: the protocol's counting rule, plus the peak. */
export interface TypeStats extends TypeCounts {
  readonly type: string;
  /** Highest `live` seen. */
  peak: number;
}

/**
 * One agent stream within a session: a window (realm) running the agent, or one of several
 * copies of the agent running in the same window (they share the window's session).
 */
export interface StreamInfo {
  /** The agent's stream id (the `frame` field of its messages). */
  readonly stream: string;
  /** Chrome's frame id: 0 for the top frame. */
  readonly frameId: number;
  url: string | undefined;
  /** Highest batch seq applied, or taken in with the agent's totals (0 before the first). */
  lastSeq: number;
  /** The hello and batches applied, for export. */
  readonly kept: KeptMessages;
  /**
   * This stream's share of the session's counts, by the lifelines' type index: kept only while the
   * session has several streams (with one, the session's rows are its share).
   */
  readonly counts: TypeCounts[];
  /** Events applied from this stream's batches. */
  receivedEvents: number;
  /** The agent's latest totals taken in, and `receivedEvents` then; null before any. */
  baseline: TakenTotals | null;
}

/** What a session's per-instance detail (timeline, instance lists, bundles) misses, and why. */
export interface PartialDetail {
  /** Events the agents produced that never reached the panel. */
  missedEvents: number;
  /** Of those, events the agents dropped themselves (a buffer full before anyone listened). */
  droppedByAgent: number;
}

/** Where an imported session came from. */
export interface ImportInfo {
  /** Tells imports apart: 1, 2, 3… per store. */
  readonly import: number;
  /** The file's name. */
  readonly file: string;
  /** What the recording shows was lost, kept apart from the live connection's losses. */
  readonly drops: DropTally;
}

/** What "Mark" remembers: live counts then, the baseline of the Δ column. */
export interface Mark {
  readonly time: number;
  readonly live: ReadonlyMap<string, number>;
}

/** One agent start (a page load) and everything it reported. */
export class Session {
  readonly id: string;
  /** Epoch ms: the agent's start, or until its hello is seen, its first batch. */
  startTime: number;
  /** By stream id. */
  readonly streams = new Map<string, StreamInfo>();
  readonly types = new Map<string, TypeStats>();
  readonly series = new LiveSeries();
  /** Live counts right after each garbage collection the events reveal, for leak suspects. */
  readonly collections = new CollectionSeries();
  /** Every instance's attach, detach, updates and destroy: the store the instance views and the timeline read. */
  readonly lifelines = new Lifelines();
  /** Events applied. */
  events = 0;
  /** Attach events applied. */
  attaches = 0;
  mark: Mark | null = null;
  /** Set for sessions loaded from a recording: read-only, never fed by the live connection. */
  readonly imported: ImportInfo | null;
  /** The agent's session id (`id` differs for imported sessions, to keep them apart from live ones). */
  readonly agentSession: string;
  /** `types`' rows by the lifelines' type index: one Map lookup per type change, not two. */
  readonly #byTypeIndex: TypeStats[] = [];

  constructor(id: string, startTime: number, imported: ImportInfo | null = null, agentSession = id) {
    this.id = id;
    this.startTime = startTime;
    this.imported = imported;
    this.agentSession = agentSession;
    // Every count is 0 when a session starts; this also gives the chart a span from the start.
    this.series.sample(startTime, this.types);
  }

  get hasTopFrame(): boolean {
    for (const stream of this.streams.values()) if (stream.frameId === 0) return true;
    return false;
  }

  /** The top frame's URL, else any stream's. */
  get url(): string | undefined {
    let url: string | undefined;
    for (const stream of this.streams.values()) {
      if (stream.frameId === 0 && stream.url !== undefined) return stream.url;
      url ??= stream.url;
    }
    return url;
  }

  /** The stream a message came from, added on first sight. */
  stream(id: string, origin: Origin): StreamInfo {
    let info = this.streams.get(id);
    if (info === undefined) {
      info = {
        stream: id,
        frameId: origin.frameId,
        url: undefined,
        lastSeq: 0,
        kept: new KeptMessages(),
        counts: [],
        receivedEvents: 0,
        baseline: null,
      };
      // From the second stream on, each counts its own share; the first's is what the rows hold now.
      if (this.streams.size === 1) {
        const [first] = this.streams.values();
        this.#byTypeIndex.forEach(({ live, created, retired }, index) => (first!.counts[index] = { live, created, retired }));
      }
      this.streams.set(id, info);
    }
    return info;
  }

  hello(stream: StreamInfo, hello: AgentHello): void {
    // The agent repeats its hello on every relay handshake with the same content: one is kept.
    if (stream.url === undefined) stream.kept.push(hello);
    stream.url = hello.url;
    this.startTime = Math.min(this.startTime, hello.time);
  }

  /**
   * Takes an agent's running totals as this stream's share of the counts (docs/protocol.md,
   * "Totals"), so they are exact whatever the panel missed: events the agent dropped before
   * DevTools listened, history the worker evicted. Stale totals (older than a batch already
   * applied) change nothing. Returns whether they were taken.
   */
  applyTotals(stream: StreamInfo, totals: AgentTotals): boolean {
    if (staleTotals(totals.seq, stream.lastSeq)) return false;
    const taken = new Set<number>();
    for (const { type, live, created, retired } of totals.types) {
      const index = this.lifelines.typeIndex(type);
      taken.add(index);
      this.#setShare(stream, index, live, created, retired);
    }
    (this.streams.size > 1 ? stream.counts : this.#byTypeIndex).forEach((_, index) => {
      if (!taken.has(index)) this.#setShare(stream, index, 0, 0, 0);
    });
    stream.lastSeq = totals.seq;
    stream.baseline = { totals, received: stream.receivedEvents };
    // Exported with the batches, so an import whose start was evicted still counts right.
    stream.kept.push(totals);
    this.startTime = Math.min(this.startTime, totals.time);
    this.series.sample(totals.time, this.types);
    return true;
  }

  #setShare(stream: StreamInfo, index: number, live: number, created: number, retired: number): void {
    const row = (this.#byTypeIndex[index] ??= this.#row(this.lifelines.typeNames[index]!));
    const share = this.streams.size > 1 ? (stream.counts[index] ??= zeroCounts()) : null;
    const was = share ?? row;
    const [dLive, dCreated, dRetired] = [live - was.live, created - was.created, retired - was.retired];
    row.live += dLive;
    row.created += dCreated;
    row.retired += dRetired;
    if (row.live > row.peak) row.peak = row.live;
    if (share !== null) Object.assign(share, { live, created, retired });
  }

  /**
   * What the timeline, instance lists and bundles miss, as of each stream's latest totals; null
   * when nothing (or when no agent sent totals, and then the drop counters tell).
   */
  partialDetail(): PartialDetail | null {
    let missedEvents = 0;
    let droppedByAgent = 0;
    for (const { baseline } of this.streams.values()) {
      if (baseline === null) continue;
      const { missed, droppedByAgent: dropped } = missedDetail(baseline);
      missedEvents += missed;
      droppedByAgent += dropped;
    }
    return missedEvents === 0 ? null : { missedEvents, droppedByAgent };
  }

  /**
   * Applies a batch already known to be new (dedupe is the caller's job). Its events were walked
   * by the worker (or a recording's check); should one still break (no type name at its index, no
   * time, a serial below 1), this throws before that event changes anything, for the caller to
   * count the batch invalid.
   */
  applyBatch(stream: StreamInfo, batch: AgentBatch): void {
    const lifelines = this.lifelines;
    const streamIndex = lifelines.streamIndex(stream.stream);
    // One countEvent per event, not two, for the usual session of one stream (see StreamInfo.counts).
    const shares = this.streams.size > 1 ? stream.counts : null;
    let typeIndex = 0;
    let row: TypeStats | undefined;
    let share: TypeCounts | undefined;
    let lastType: string | undefined;
    let lastTime = batch.t0;
    let attaches = 0;
    let collectedAt: number | undefined;
    forEachEventLazily(batch, (op, serial, type, time, bundle) => {
      if (!(serial >= 1) || time !== time) throw new Error(`batch ${batch.seq}: event with serial ${serial} at time ${time}`);
      // Events often come in runs of one type: skip the lookup for the rest of a run.
      if (type !== lastType || row === undefined) {
        if (type === undefined) throw new Error(`batch ${batch.seq}: an event's type name is not in its strings`);
        typeIndex = lifelines.typeIndex(type);
        row = this.#byTypeIndex[typeIndex] ??= this.#row(type);
        if (shares !== null) share = shares[typeIndex] ??= zeroCounts();
        lastType = type;
      }
      lastTime = time;
      countEvent(row, op);
      if (share !== undefined) countEvent(share, op);
      switch (op) {
        case Op.attached:
          attaches++;
          if (row.live > row.peak) row.peak = row.live;
          lifelines.attached(streamIndex, serial, typeIndex, time, bundle);
          break;
        case Op.detached:
          lifelines.detached(streamIndex, serial, time);
          break;
        case Op.updated:
          if (isRelease(op, bundle)) lifelines.released(streamIndex, serial, time);
          else lifelines.updated(streamIndex, serial, time, bundle);
          break;
        case Op.destroyed:
          collectedAt ??= time;
          lifelines.destroyed(streamIndex, serial, time);
          break;
      }
    });
    this.attaches += attaches;
    stream.lastSeq = batch.seq;
    stream.kept.push(batch);
    stream.receivedEvents += batch.events;
    this.events += batch.events;
    this.series.sample(lastTime, this.types);
    if (collectedAt !== undefined) this.collections.collected(collectedAt, this.attaches, this.types);
  }

  /** The kept instance `serial` of stream `stream`, if any. */
  instance(stream: string, serial: number): InstanceRecord | undefined {
    return this.lifelines.record(stream, serial);
  }

  /** Kept instances of `type` still attached and not destroyed, oldest first, as `lifelines` row ids. */
  liveInstances(type: string): number[] {
    const lifelines = this.lifelines;
    const index = lifelines.findType(type);
    const rows = index === undefined ? [] : lifelines.rows(index);
    const live: number[] = [];
    let ordered = true;
    for (let i = 0; i < rows.length; i++) {
      const id = rows[i]!;
      if (!Number.isNaN(lifelines.detachedAt(id)) || !Number.isNaN(lifelines.destroyedAt(id))) continue;
      // Rows are listed by serial; ids, in arrival order, differ only where streams interleave.
      if (live.length > 0 && id < live[live.length - 1]!) ordered = false;
      live.push(id);
    }
    return ordered ? live : live.sort((a, b) => a - b);
  }

  /**
   * Instances detached more than `minMs` before `now` with no destroyed event since, oldest
   * detach first, as `lifelines` row ids. Trackers hear of a collection only while attached, so
   * some of these may be gone already: the list says "not known to be collected", which is what a
   * leak looks like.
   */
  detachedAlive(now: number, minMs: number): number[] {
    const lifelines = this.lifelines;
    const found: number[] = [];
    lifelines.forEachDetached((id) => {
      if (now - lifelines.detachedAt(id) > minMs && Number.isNaN(lifelines.destroyedAt(id))) found.push(id);
    });
    return found;
  }

  /**
   * Instances released more than `minMs` before `now` and not reported destroyed, oldest release
   * first, as `lifelines` row ids: their owner let go of them (a component unmounted), yet they
   * live on, which is what a leak looks like. Released instances keep their tracker, so unlike
   * detached ones, their collection is reported.
   */
  releasedAlive(now: number, minMs: number): number[] {
    const lifelines = this.lifelines;
    const found: number[] = [];
    lifelines.forEachReleasedAlive((id) => {
      if (now - lifelines.releasedAt(id) > minMs) found.push(id);
    });
    return found;
  }

  setMark(time: number): void {
    const live = new Map<string, number>();
    for (const row of this.types.values()) live.set(row.type, row.live);
    this.mark = { time, live };
  }

  /** Change in live count since the mark (since the session started when there is none). */
  delta(row: TypeStats): number {
    return row.live - (this.mark?.live.get(row.type) ?? 0);
  }

  #row(type: string): TypeStats {
    let row = this.types.get(type);
    if (row === undefined) {
      row = { type, ...zeroCounts(), peak: 0 };
      this.types.set(type, row);
    }
    return row;
  }
}

/** An instance's bundle over time, oldest first: the attach, then each change (the last MAX_BUNDLE_HISTORY). */
export function bundleHistory(record: InstanceRecord): readonly BundleEntry[] {
  return record.history ?? [{ time: record.created, op: 'attached', bundle: record.bundle }];
}
