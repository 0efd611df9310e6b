import { forEachEvent } from '../../agent/protocol/decode.js';
import { Op, type AgentBatch, type AgentHello, type Origin } from '../../agent/protocol/messages.js';
import type { DropTally } from './drop-tally.js';
import { KeptMessages } from './kept-messages.js';
import { CollectionSeries } from './collections.js';
import { Lifelines } from './lifelines.js';
import { LiveSeries } from './live-series.js';

/** Most instances remembered per frame; the oldest remembered is forgotten first. */
export const MAX_INSTANCES_PER_FRAME = 10_000;
/**
 * Bundle history entries kept per instance (the attach, then updates); older ones are forgotten
 * first. With MAX_INSTANCES_PER_FRAME this bounds a frame to 200,000 entries, each holding a
 * string the batch already held.
 */
export const MAX_BUNDLE_HISTORY = 20;

/** Counts for one type, named as the page names it. Same rules as the agent's Tracker. */
export interface TypeStats {
  readonly type: string;
  /** Attached, and neither detached nor destroyed since. */
  live: number;
  /** Attached, in total. */
  allocated: number;
  /** Destroyed (garbage-collected) while attached. */
  retired: number;
  /** Highest `live` seen. */
  peak: number;
}

export interface InstanceRecord {
  readonly type: string;
  /** Epoch ms of the attach. */
  readonly created: number;
  destroyed?: number;
  /** JSON text of the latest bundle (see bundle-preview.ts). */
  bundle?: string;
  /**
   * Its bundle over time once it was updated (read it with bundleHistory): made on the first
   * update, so the many instances never updated cost nothing more.
   */
  history?: BundleEntry[];
  /**
   * Epoch ms of the detach, if detached. Attaching again (to a tracker that reports here) makes a
   * new record, so there is at most one.
   */
  detached?: number;
}

export interface BundleEntry {
  /** Epoch ms of the event. */
  readonly time: number;
  readonly op: 'attached' | 'updated';
  /** JSON text of the bundle; undefined when the instance had none. */
  readonly bundle: string | undefined;
}

/** One window (realm) running the agent, as seen within a session. */
export interface FrameInfo {
  /** The agent's frame id. */
  readonly frame: string;
  /** Chrome's frame id: 0 for the top frame. */
  readonly frameId: number;
  url: string | undefined;
  /** Highest batch seq applied (0 before the first). */
  lastSeq: number;
  readonly instances: Map<number, InstanceRecord>;
  /** The serials of `instances`, oldest first: the eviction order. */
  readonly order: SerialQueue;
  /** The hello and batches applied, for export. */
  readonly kept: KeptMessages;
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
  readonly frames = new Map<string, FrameInfo>();
  readonly types = new Map<string, TypeStats>();
  readonly series = new LiveSeries();
  /** Live counts right after each garbage collection the events reveal, for leak suspects. */
  readonly collections = new CollectionSeries();
  /** Every instance's attach, detach, updates and destroy, for the timeline (bounded apart from `frames`' records). */
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

  constructor(id: string, startTime: number, imported: ImportInfo | null = null, agentSession = id) {
    this.id = id;
    this.startTime = startTime;
    this.imported = imported;
    this.agentSession = agentSession;
    // Every count is 0 when a session starts; this also gives the chart a span from the start.
    this.series.sample(startTime, this.types);
  }

  get hasTopFrame(): boolean {
    for (const frame of this.frames.values()) if (frame.frameId === 0) return true;
    return false;
  }

  /** The top frame's URL, else any frame's. */
  get url(): string | undefined {
    let url: string | undefined;
    for (const frame of this.frames.values()) {
      if (frame.frameId === 0 && frame.url !== undefined) return frame.url;
      url ??= frame.url;
    }
    return url;
  }

  /** The frame a message came from, added on first sight. */
  frame(frame: string, origin: Origin): FrameInfo {
    let info = this.frames.get(frame);
    if (info === undefined) {
      info = {
        frame,
        frameId: origin.frameId,
        url: undefined,
        lastSeq: 0,
        instances: new Map(),
        order: new SerialQueue(),
        kept: new KeptMessages(),
      };
      this.frames.set(frame, info);
    }
    return info;
  }

  hello(frame: FrameInfo, hello: AgentHello): void {
    // The agent repeats its hello on every relay handshake with the same content: one is kept.
    if (frame.url === undefined) frame.kept.push(hello);
    frame.url = hello.url;
    this.startTime = Math.min(this.startTime, hello.time);
  }

  /** Applies a batch already known to be new (dedupe is the caller's job). */
  applyBatch(frame: FrameInfo, batch: AgentBatch): void {
    const instances = frame.instances;
    const lifelines = this.lifelines;
    const lane = lifelines.frameIndex(frame.frame);
    let typeIndex = 0;
    let row: TypeStats | undefined;
    let lastType: string | undefined;
    let lastTime = batch.t0;
    let collectedAt: number | undefined;
    forEachEvent(batch, (op, serial, type, time, bundle) => {
      // Events come in runs of one type: skip the Map lookup for the rest of a run.
      if (type !== lastType || row === undefined) {
        row = this.#row(type);
        typeIndex = lifelines.typeIndex(type);
        lastType = type;
      }
      lastTime = time;
      switch (op) {
        case Op.attached:
          this.attaches++;
          row.allocated++;
          if (++row.live > row.peak) row.peak = row.live;
          remember(frame, serial, bundle === undefined ? { type, created: time } : { type, created: time, bundle });
          lifelines.attached(lane, serial, typeIndex, time, bundle);
          break;
        case Op.detached: {
          row.live--;
          const record = instances.get(serial);
          if (record !== undefined) record.detached = time;
          lifelines.detached(lane, serial, time);
          break;
        }
        case Op.updated: {
          const record = instances.get(serial);
          if (record !== undefined && bundle !== undefined) {
            const history = (record.history ??= bundleHistory(record));
            history.push({ time, op: 'updated', bundle });
            if (history.length > MAX_BUNDLE_HISTORY) history.shift();
            record.bundle = bundle;
          }
          lifelines.updated(lane, serial, time, bundle);
          break;
        }
        case Op.destroyed: {
          row.live--;
          row.retired++;
          collectedAt ??= time;
          const record = instances.get(serial);
          if (record !== undefined) record.destroyed = time;
          lifelines.destroyed(lane, serial, time);
          break;
        }
      }
    });
    frame.lastSeq = batch.seq;
    frame.kept.push(batch);
    this.events += batch.events;
    this.series.sample(lastTime, this.types);
    if (collectedAt !== undefined) this.collections.collected(collectedAt, this.attaches, this.types);
  }

  /**
   * The remembered instance `serial` of `frame`, if any; beyond the records' bound, what its
   * lifeline still knows (without the bundle's earlier history).
   */
  instance(frame: string, serial: number): InstanceRecord | undefined {
    return this.frames.get(frame)?.instances.get(serial) ?? this.lifelines.record(frame, serial);
  }

  /** Remembered instances of `type` still attached and not destroyed, oldest first. */
  liveInstances(type: string): LiveInstance[] {
    const live: LiveInstance[] = [];
    for (const frame of this.frames.values()) {
      for (const [serial, record] of frame.instances) {
        if (record.type === type && record.destroyed === undefined && record.detached === undefined) live.push({ frame: frame.frame, serial, record });
      }
    }
    return live.sort((a, b) => a.record.created - b.record.created || a.serial - b.serial);
  }

  /**
   * Instances detached more than `minMs` before `now` with no destroyed event since, oldest
   * detach first. Trackers hear of a collection only while attached, so some of these may be
   * gone already: the list says "not known to be collected", which is what a leak looks like.
   */
  detachedAlive(now: number, minMs: number): LiveInstance[] {
    const found: LiveInstance[] = [];
    for (const frame of this.frames.values()) {
      for (const [serial, record] of frame.instances) {
        const detached = record.detached;
        if (detached !== undefined && record.destroyed === undefined && now - detached > minMs) found.push({ frame: frame.frame, serial, record });
      }
    }
    return found.sort((a, b) => a.record.detached! - b.record.detached! || a.serial - b.serial);
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
      row = { type, live: 0, allocated: 0, retired: 0, peak: 0 };
      this.types.set(type, row);
    }
    return row;
  }
}

/** A remembered instance with where it lives. */
export interface LiveInstance {
  readonly frame: string;
  readonly serial: number;
  readonly record: InstanceRecord;
}

/** An instance's bundle over time, oldest first: the attach, then each update (the last MAX_BUNDLE_HISTORY). */
export function bundleHistory(record: InstanceRecord): BundleEntry[] {
  return record.history ?? [{ time: record.created, op: 'attached', bundle: record.bundle }];
}

function remember(frame: FrameInfo, serial: number, record: InstanceRecord): void {
  const { instances, order } = frame;
  // A serial attached again keeps its place, as in the Map (records leave only from here).
  if (!instances.has(serial)) order.push(serial);
  instances.set(serial, record);
  if (instances.size > MAX_INSTANCES_PER_FRAME) instances.delete(order.shift()!);
}

/**
 * A queue of serials. Not `instances.keys().next()`: V8 leaves deleted Map entries in place
 * until the table is rebuilt, and a new iterator skips every one of them, so with 10,000 records
 * that call cost ~4 µs and capped the panel at ~250,000 events a second.
 */
export class SerialQueue {
  #items: number[] = [];
  #head = 0;

  push(serial: number): void {
    this.#items.push(serial);
  }

  shift(): number | undefined {
    const serial = this.#items[this.#head++];
    // Drops the taken front once it is most of the array: amortized O(1), bounded memory.
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return serial;
  }
}
