/*
 * Panel ingest benchmark, in Node: what the panel store costs per event, against decoding alone.
 *
 * Workloads, each as batches of 5,000 events encoded by the agent's BatchEncoder:
 * - attach-only: 100,000 attaches of one type, serials +1, no bundles (what the pipeline
 *   benchmark's page sends);
 * - mixed: the timeline benchmark's recording (bench-recording.ts): 100,000 instances of 8 types,
 *   1,000,000 events (attaches, detaches, destroys and 820,000 updates, small bundles as text);
 * - mixed, bundles as values: the same events, bundles sent as the agent sends plain objects
 *   (docs/protocol.md, "Bundles as values"): what the reader's rebuilding of their texts costs.
 * Each goes into a fresh session and into one already at its bounds: 250,000 instances attached
 * before in the same stream (the lifelines' bound), so every attach evicts the oldest instance.
 *
 * Rates are medians of ROUNDS runs after a warm-up; the baseline is forEachEvent with an empty
 * visitor over the same batches, in the same run. Retained bytes: heap and array buffers after a
 * forced GC, with a session holding the events against none (the batches themselves are held
 * by the benchmark throughout, so their strings are not counted).
 *
 * A plain Node script: it reports and exits 0 when a target is missed, non-zero only on errors.
 * Run: node --expose-gc --import tsx panel/bench/ingest.bench.ts
 */
import { gcNow, median, printTable, type Row } from '../../agent/bench/measure.js';
import { forEachEvent } from '../../agent/protocol/decode.js';
import { BatchEncoder } from '../../agent/protocol/encode.js';
import { Op, type AgentBatch } from '../../agent/protocol/messages.js';
import type { Recording } from '../../agent/protocol/recording.js';
import { MAX_LIFELINES, Lifelines } from '../store/lifelines.js';
import { Session } from '../store/session.js';
import { benchRecording } from './bench-recording.js';

const BATCH = 5_000;
const ATTACHES = 100_000;
const MIXED_INSTANCES = 100_000;
const MIXED_EVENTS = 1_000_000;
const ROUNDS = 5;
const STREAM = 'top';
const START = Date.UTC(2026, 10, 24, 9, 0, 0);

const fmt = (value: number, digits = 1) => value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** `count` attaches of one type with serials from `first`, one µs apart, as the agent batches them. */
function attaches(first: number, count: number, start: number): AgentBatch[] {
  let clock = start;
  const encoder = new BatchEncoder(() => (clock += 0.001), 1);
  const batches: AgentBatch[] = [];
  for (let serial = first; serial < first + count; serial++) {
    encoder.add(Op.attached, serial, 'BenchItem', undefined);
    if (encoder.size === BATCH) batches.push(encoder.take('bench', STREAM, batches.length + 1, 0)!);
  }
  const last = encoder.take('bench', STREAM, batches.length + 1, 0);
  if (last !== null) batches.push(last);
  return batches;
}

function batchesOf(recording: Recording): AgentBatch[] {
  return recording.sessions[0]!.messages.filter((message): message is AgentBatch => message.kind === 'batch');
}

/**
 * What a session at its bounds was fed before the workload, in the same stream: more attaches than
 * it keeps, so it is full and has already evicted (as a session long at its bounds has).
 */
const PREFILL = MAX_LIFELINES + 50_000;
const prefill = attaches(1, PREFILL, START - 600_000);

interface Workload {
  name: string;
  events: number;
  fresh: AgentBatch[];
  /** The same events with serials after the prefill's. */
  afterPrefill: AgentBatch[];
}

const workloads: Workload[] = [
  { name: 'attach-only', events: ATTACHES, fresh: attaches(1, ATTACHES, START), afterPrefill: attaches(PREFILL + 1, ATTACHES, START) },
  {
    name: 'mixed',
    events: MIXED_EVENTS,
    fresh: batchesOf(benchRecording(MIXED_INSTANCES, MIXED_EVENTS, 60)),
    afterPrefill: batchesOf(benchRecording(MIXED_INSTANCES, MIXED_EVENTS, 60, PREFILL)),
  },
  {
    name: 'mixed, bundles as values',
    events: MIXED_EVENTS,
    fresh: batchesOf(benchRecording(MIXED_INSTANCES, MIXED_EVENTS, 60, 0, true)),
    afterPrefill: batchesOf(benchRecording(MIXED_INSTANCES, MIXED_EVENTS, 60, PREFILL, true)),
  },
];

function timed(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

function newSession(full: boolean): Session {
  const session = new Session('bench', START - 600_000);
  if (full) {
    const stream = session.stream(STREAM, { tabId: 1, frameId: 0 });
    for (const batch of prefill) session.applyBatch(stream, batch);
  }
  return session;
}

function decode(batches: AgentBatch[]): number {
  let sink = 0;
  const ms = timed(() => {
    for (const batch of batches) forEachEvent(batch, (op, serial) => void (sink += op + serial));
  });
  if (sink === 0) throw new Error('nothing decoded');
  return ms;
}

function apply(session: Session, batches: AgentBatch[]): number {
  const stream = session.stream(STREAM, { tabId: 1, frameId: 0 });
  return timed(() => {
    for (const batch of batches) session.applyBatch(stream, batch);
  });
}

/** The events into the Lifelines columns alone: the timeline's share of the store. */
function lifelinesAlone(batches: AgentBatch[]): number {
  const lifelines = new Lifelines();
  return timed(() => {
    for (const batch of batches) {
      const stream = lifelines.streamIndex(batch.frame);
      let lastType: string | undefined;
      let type = 0;
      forEachEvent(batch, (op, serial, name, time, bundle) => {
        if (name !== lastType) [type, lastType] = [lifelines.typeIndex(name), name];
        if (op === Op.attached) lifelines.attached(stream, serial, type, time, bundle);
        else if (op === Op.detached) lifelines.detached(stream, serial, time);
        else if (op === Op.updated) lifelines.updated(stream, serial, time, bundle);
        else lifelines.destroyed(stream, serial, time);
      });
    }
  });
}

async function rates(workload: Workload): Promise<Row[]> {
  const samples = { decode: [] as number[], fresh: [] as number[], full: [] as number[], lifelines: [] as number[] };
  for (let round = 0; round <= ROUNDS; round++) {
    await gcNow();
    const decoded = decode(workload.fresh);
    let session = newSession(false);
    await gcNow();
    const fresh = apply(session, workload.fresh);
    session = newSession(true);
    await gcNow();
    const full = apply(session, workload.afterPrefill);
    if (session.lifelines.size !== MAX_LIFELINES) throw new Error('the full session is not at its bounds');
    await gcNow();
    const lifelines = workload.name === 'mixed' ? lifelinesAlone(workload.fresh) : Number.NaN;
    // Round 0 warms the code up.
    if (round === 0) continue;
    samples.decode.push(decoded);
    samples.fresh.push(fresh);
    samples.full.push(full);
    samples.lifelines.push(lifelines);
  }
  const rate = (ms: number) => `${fmt(workload.events / ms / 1_000, 2)} M events/s (${fmt(ms, 0)} ms)`;
  const [decoded, fresh, full, lifelines] = [median(samples.decode), median(samples.fresh), median(samples.full), median(samples.lifelines)];
  const target = workload.name === 'attach-only' ? '≥ 3 M events/s' : '';
  const rows: Row[] = [
    { what: `${workload.name}: decode only, forEachEvent (baseline)`, value: rate(decoded), ratio: 1, target: '' },
    { what: `${workload.name}: Session.applyBatch, fresh session`, value: rate(fresh), ratio: fresh / decoded, target },
    { what: `${workload.name}: Session.applyBatch, session at its bounds (every attach evicts)`, value: rate(full), ratio: full / decoded, target },
  ];
  if (!Number.isNaN(lifelines)) rows.push({ what: `${workload.name}: decode into Lifelines alone, fresh`, value: rate(lifelines), ratio: lifelines / decoded, target: '' });
  return rows;
}

/**
 * Heap and array buffers in use after full collections. Freed array buffers leave the count a
 * little after the collection that freed them: collect until the figure stops falling.
 */
async function used(): Promise<number> {
  let least = Infinity;
  for (let tries = 0; tries < 10; tries++) {
    await gcNow();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    if (heapUsed + arrayBuffers >= least) break;
    least = heapUsed + arrayBuffers;
  }
  return least;
}

async function retained(what: string, feed: (session: Session) => void): Promise<Row> {
  const before = await used();
  const session = newSession(false);
  feed(session);
  const bytes = (await used()) - before;
  const kept = session.lifelines.size;
  return { what: `retained: ${what}, ${kept.toLocaleString('en')} instances kept`, value: `${fmt(bytes / kept, 0)} bytes per instance (${fmt(bytes / 2 ** 20)} MiB)`, ratio: null, target: '' };
}

// The panel always holds sessions. Without one alive, a GC between rounds frees the store
// classes' hidden classes, and every round deoptimizes and warms up again (2-4× slower).
const alive = newSession(true);
for (const workload of workloads) apply(alive, workload.afterPrefill);
const rows: Row[] = [];
for (const workload of workloads) rows.push(...(await rates(workload)));
const memory = [
  await retained(`${PREFILL.toLocaleString("en")} attaches`, (session) => apply(session, prefill)),
  await retained(`${PREFILL.toLocaleString("en")} attaches, then the mixed workload`, (session) => {
    apply(session, prefill);
    apply(session, workloads[1]!.afterPrefill);
  }),
];
if (alive.events === 0) throw new Error('nothing applied');
printTable(`Panel ingest, Node ${process.version} — batches of ${BATCH.toLocaleString('en')} events, median of ${ROUNDS} rounds`, [...rows, ...memory]);
