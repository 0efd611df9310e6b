import { parseBundle, type Preview } from '../protocol/bundle-preview.js';
import { forEachEvent, isRelease } from '../protocol/decode.js';
import { Op, type AgentMessage, type AgentTotals } from '../protocol/messages.js';
import { countEvent, missedDetail, staleTotals, zeroCounts, type TakenTotals, type TypeCounts as Counts } from '../protocol/type-counts.js';

/** Counts of one type, as decoded from the agent's events (the protocol's counting rule). */
export interface TypeCounts extends Counts {
  /** With `serials: true`: the live instances, oldest first, with their latest bundle. */
  serials?: LiveInstance[];
}

/** A live instance and its latest bundle's preview (undefined: no bundle). */
export interface LiveInstance {
  serial: number;
  bundle: Preview | undefined;
  /** Epoch ms (the page's clock) when its owner let go of it (see `release`); absent if never. */
  released?: number;
}

interface Counter extends Counts {
  /** Latest bundle JSON text of each live instance, by serial (insertion order is attach order). */
  instances: Map<number, string | undefined>;
}

/**
 * One agent's state (a session in a frame), built from its messages: per-type counts and the
 * live instances with their latest bundles.
 */
export class SessionState {
  readonly session: string;
  readonly frame: string;
  url = '';
  /** Epoch ms of the agent's start (its hello), else of its first batch seen; 0 before any message. */
  startedAt = 0;
  /** Events the agent reported it dropped (its buffer was full before a relay answered). */
  droppedEvents = 0;
  /** Batches missing from the `seq` sequence: lost on the way. */
  missingBatches = 0;
  /** Events received in batches. */
  receivedEvents = 0;
  /** The agent's latest totals taken as counts, and `receivedEvents` then; null before any. */
  baseline: TakenTotals | null = null;
  readonly #types = new Map<string, Counter>();
  /** Serials no longer live: their type and how they went (for whyAlive's answers). */
  readonly #ended = new Map<number, { type: string; how: 'detached' | 'destroyed' }>();
  /** Live serials whose owner let go of them (see `release`): the first release's time. */
  readonly #released = new Map<number, number>();
  #lastSeq = 0;
  /** Batches up to this seq are in the baseline: their events change no count. */
  #countedThrough = 0;

  constructor(session: string, frame: string) {
    this.session = session;
    this.frame = frame;
  }

  /** Applies a validated message of this session. */
  apply(message: AgentMessage): void {
    if (message.kind === 'hello') {
      this.url = message.url;
      this.startedAt = message.time;
      return;
    }
    if (message.kind === 'totals') {
      this.#takeTotals(message);
      return;
    }
    if (this.startedAt === 0) this.startedAt = message.t0;
    this.droppedEvents += message.dropped;
    if (message.seq > this.#lastSeq + 1) this.missingBatches += message.seq - this.#lastSeq - 1;
    this.#lastSeq = Math.max(this.#lastSeq, message.seq);
    this.receivedEvents += message.events;
    const counted = message.seq > this.#countedThrough;
    forEachEvent(message, (op, serial, type, time, bundle) => {
      let counter = this.#types.get(type);
      if (counter === undefined) this.#types.set(type, (counter = { ...zeroCounts(), instances: new Map() }));
      if (counted) countEvent(counter, op);
      switch (op) {
        case Op.attached:
          counter.instances.set(serial, bundle);
          this.#ended.delete(serial);
          break;
        case Op.updated:
          if (!counter.instances.has(serial)) break;
          // A release is no bundle: the instance keeps the one it had.
          if (!isRelease(op, bundle)) counter.instances.set(serial, bundle);
          else if (!this.#released.has(serial)) this.#released.set(serial, time);
          break;
        case Op.detached:
          counter.instances.delete(serial);
          this.#released.delete(serial);
          this.#ended.set(serial, { type, how: 'detached' });
          break;
        case Op.destroyed:
          counter.instances.delete(serial);
          this.#released.delete(serial);
          this.#ended.set(serial, { type, how: 'destroyed' });
          break;
      }
    });
  }

  /**
   * Takes the agent's totals as the counts, unless a batch after them was already counted (they
   * are stale then: the next ones will do).
   */
  #takeTotals(totals: AgentTotals): void {
    if (staleTotals(totals.seq, this.#lastSeq)) return;
    if (this.startedAt === 0) this.startedAt = totals.time;
    for (const counter of this.#types.values()) Object.assign(counter, zeroCounts());
    for (const { type, live, created, retired } of totals.types) {
      let counter = this.#types.get(type);
      if (counter === undefined) this.#types.set(type, (counter = { ...zeroCounts(), instances: new Map() }));
      Object.assign(counter, { live, created, retired });
    }
    // The batches between the last one seen and the totals are in them: not missing for counts.
    this.#lastSeq = this.#countedThrough = totals.seq;
    this.missingBatches = 0;
    this.baseline = { totals, received: this.receivedEvents };
  }

  /**
   * Whether the counts are the page's true totals: taken from the agent's totals with no batch
   * lost since, or decoded from every event the agent produced.
   */
  get exact(): boolean {
    return this.missingBatches === 0 && (this.baseline !== null || this.droppedEvents === 0);
  }

  /**
   * Events the agent produced that this reader did not receive (so serials and bundles miss
   * them), as of its latest totals; 0 without totals.
   */
  get missedEvents(): number {
    return this.baseline === null ? 0 : missedDetail(this.baseline).missed;
  }

  /** Per-type counts, by type name in name order; with `serials`, the live instances too. */
  counts(serials = false): Record<string, TypeCounts> {
    const result: Record<string, TypeCounts> = {};
    for (const name of [...this.#types.keys()].sort()) {
      const { live, created, retired, instances } = this.#types.get(name)!;
      result[name] = serials
        ? {
            live,
            created,
            retired,
            serials: [...instances].map(([serial, bundle]) => this.#instance(serial, bundle)),
          }
        : { live, created, retired };
    }
    return result;
  }

  #instance(serial: number, bundle: string | undefined): LiveInstance {
    const instance: LiveInstance = { serial, bundle: bundle === undefined ? undefined : parseBundle(bundle) };
    const released = this.#released.get(serial);
    if (released !== undefined) instance.released = released;
    return instance;
  }

  /**
   * What the agent said last about `serial`: live, released by its owner (and still live),
   * detached from its tracker, destroyed, or nothing.
   */
  fate(serial: number): { status: 'live' | 'released' | 'detached' | 'destroyed'; type: string } | { status: 'unknown' } {
    for (const [type, counter] of this.#types) {
      if (counter.instances.has(serial)) return { status: this.#released.has(serial) ? 'released' : 'live', type };
    }
    const ended = this.#ended.get(serial);
    return ended === undefined ? { status: 'unknown' } : { status: ended.how, type: ended.type };
  }

  /** Serials detached from their tracker (no longer counted live) and not reported destroyed. */
  detachedSerials(): number[] {
    return [...this.#ended].filter(([, { how }]) => how === 'detached').map(([serial]) => serial);
  }

  /** Type names seen so far. */
  typeNames(): IterableIterator<string> {
    return this.#types.keys();
  }
}

/**
 * The counts of several streams of one session (copies of the agent in one window) added up,
 * by type name in name order; live instances merged oldest first (serials are unique per window).
 */
export function sumCounts(parts: readonly Record<string, TypeCounts>[]): Record<string, TypeCounts> {
  if (parts.length === 1) return parts[0]!;
  const sum: Record<string, TypeCounts> = {};
  for (const name of [...new Set(parts.flatMap((part) => Object.keys(part)))].sort()) {
    const total: TypeCounts = { live: 0, created: 0, retired: 0 };
    for (const part of parts) {
      const counts = part[name];
      if (counts === undefined) continue;
      total.live += counts.live;
      total.created += counts.created;
      total.retired += counts.retired;
      if (counts.serials !== undefined) (total.serials ??= []).push(...counts.serials);
    }
    total.serials?.sort((a, b) => a.serial - b.serial);
    sum[name] = total;
  }
  return sum;
}

/** Options of the leak rule; see {@link findLeaks}. */
export interface LeakRuleOptions {
  /** Only these types are checked. */
  include?: readonly string[];
  /** These types are never reported. */
  ignore?: readonly string[];
  /** Total growth of a type's live count that is still fine. Default 0. */
  tolerance?: number;
}

/** A type whose live count kept growing. */
export interface Leak {
  type: string;
  /** Live count after the warm-up, then after each iteration. */
  live: number[];
  growth: number;
}

/**
 * The types that leaked, given live counts after the warm-up run (`samples[0]`) and after each
 * further run of the action (one sample per iteration, garbage collected before each sample).
 * A type leaked when it grew by more than `tolerance` in total, and either grew on every
 * iteration or grew by at least the number of iterations: one stray cache entry is not a leak,
 * an instance kept per run is. A type missing from a sample counts 0 live there.
 */
export function findLeaks(samples: readonly Readonly<Record<string, number>>[], options: LeakRuleOptions = {}): Leak[] {
  const iterations = samples.length - 1;
  if (iterations < 1) return [];
  const tolerance = options.tolerance ?? 0;
  const include = options.include === undefined ? null : new Set(options.include);
  const ignore = new Set(options.ignore ?? []);
  const types = new Set(samples.flatMap((sample) => Object.keys(sample)));
  const leaks: Leak[] = [];
  for (const type of [...types].sort()) {
    if (ignore.has(type) || (include !== null && !include.has(type))) continue;
    const live = samples.map((sample) => sample[type] ?? 0);
    const growth = live[iterations]! - live[0]!;
    const everyTime = live.every((count, index) => index === 0 || count > live[index - 1]!);
    if (growth > tolerance && (everyTime || growth >= iterations)) leaks.push({ type, live, growth });
  }
  return leaks;
}

/** Instances of a leaked type that are still alive, as shown in the report. */
export type LeakSamples = ReadonlyMap<string, readonly LiveInstance[]>;

/**
 * The failure message of a leak check: each leaked type, its live counts per iteration, and a
 * few of the instances that stayed alive with their bundles, whether their owner released them
 * (in which run, given `runEnds`: epoch ms at the end of the warm-up run, then of each run) and,
 * when given (by serial, lines after the first already indented), what holds each.
 */
export function formatLeakReport(
  leaks: readonly Leak[],
  samples: LeakSamples,
  iterations: number,
  retainers?: ReadonlyMap<number, string>,
  runEnds: readonly number[] = [],
): string {
  const lines = [
    `Trackables: ${leaks.length === 1 ? '1 type' : `${leaks.length} types`} leaked: live instances kept growing over ` +
      `${iterations} runs of the action (garbage collected after each run; first count is after the warm-up run).`,
  ];
  for (const leak of leaks) {
    lines.push(`  ${leak.type}: live ${leak.live.join(' → ')} (+${leak.growth})`);
    const stayed = samples.get(leak.type) ?? [];
    for (const instance of stayed) {
      lines.push(`    still alive: ${leak.type} #${instance.serial} ${releaseText(instance, runEnds, iterations)}${bundleText(instance.bundle)}`);
      const held = retainers?.get(instance.serial);
      if (held !== undefined) lines.push(`      ${held}`);
    }
  }
  return lines.join('\n');
}

/** "(released in run 2 of 5: unmounted or disposed, not collected) " for a released instance. */
function releaseText({ released }: LiveInstance, runEnds: readonly number[], iterations: number): string {
  if (released === undefined) return '';
  const run = runEnds.findIndex((end) => released <= end);
  const when = run === -1 ? '' : run === 0 ? ' in the warm-up run' : ` in run ${run} of ${iterations}`;
  return `(released${when}: unmounted or disposed, not collected) `;
}

const MAX_BUNDLE_TEXT = 200;

function bundleText(bundle: Preview | undefined): string {
  if (bundle === undefined) return '(no bundle)';
  const text = JSON.stringify(bundle);
  return text.length > MAX_BUNDLE_TEXT ? `${text.slice(0, MAX_BUNDLE_TEXT)}…` : text;
}
