import { lookUpInstance, setInstanceLookup } from '../instance-lookup.js';
import { RELEASED_BUNDLE } from '../protocol/bundle-preview.js';
import { BatchEncoder, withoutRepeats } from '../protocol/encode.js';
import {
  AGENT_SOURCE,
  ANNOUNCE_EVENT,
  MAX_EVENTS_PER_BATCH,
  MAX_STRINGS_PER_BATCH,
  Op,
  PROTOCOL_VERSION,
  READS_ARRAY_VALUES,
  READS_REPEATS,
  RELAY_SOURCE,
  type AgentBatch,
  type AgentHello,
  type AgentTotals,
} from '../protocol/messages.js';
import { countEvent, zeroCounts, type TypeCounts } from '../protocol/type-counts.js';
import { checkRelayReady, isTaggedAs } from '../protocol/validate.js';
import {
  notifyAttached,
  notifyDestroyed,
  notifyDetached,
  notifyReleased,
  notifyUpdated,
  reportTrackerError,
  trackingNameOf,
  type TrackedClass,
  type TrackerProtocol,
} from '../tracker-protocol.js';
import { VERSION } from '../version.js';
import { BatchBuffer } from './batch-buffer.js';
import { registerWithHook } from './devtools-hook.js';
import {
  clock,
  defaultTarget,
  microtask,
  pageOrigin,
  pageUrl,
  randomId,
  startTimer,
  stopTimer,
  type MessageEventLike,
  type PostMessageTarget,
} from './host.js';
import { toBundleJson, toBundleValues, type BundleLimits } from './sanitize.js';
import { windowSession } from './window-session.js';

/** What #add is given for a release: no page value is this object. */
const RELEASED = Object.freeze({});

export type { MessageEventLike, MessageListener, PostMessageTarget } from './host.js';

/** Options of {@link PostMessageTracker}; every one has a default. */
export interface PostMessageTrackerOptions {
  /**
   * Another tracker that also receives every notification, first (e.g. a `Tracker` for
   * in-page counts). Its errors are reported like any tracker's and never reach the app.
   */
  forward?: TrackerProtocol;
  /**
   * Where to post and listen. Default: the page's `window`; where there is none (Node, a
   * worker) nothing is posted and events wait in the bounded buffer. `null`: never post.
   */
  target?: PostMessageTarget | null;
  /**
   * When a batch is posted: `'microtask'` (default) right after the task that produced it, or a
   * number of milliseconds after its first event. A batch that reaches `maxBatchEvents` is
   * posted at once either way.
   */
  flush?: 'microtask' | number;
  /**
   * Events per batch at most. Default and most: 50,000. A batch is also posted once its
   * strings (type names, bundle texts) pass 1,000,000 characters, or it holds 12,288 strings or
   * bundle values (small bundles make smaller batches: see MAX_BATCH_ENTRIES).
   */
  maxBatchEvents?: number;
  /** Events kept while no relay is listening; past it the oldest are dropped. Default 100,000. */
  bufferEvents?: number;
  /** Characters (type names, bundle texts) kept while no relay is listening. Default 16,000,000. */
  bufferChars?: number;
  /** Limits of each bundle's preview (see `toBundleJson`). */
  bundleLimits?: BundleLimits;
}

/** What a {@link PostMessageTracker} has done so far. */
export interface PostMessageTrackerStats {
  /** Whether a relay (the DevTools extension's content script) said it is listening. */
  connected: boolean;
  postedBatches: number;
  postedEvents: number;
  /** Events waiting for a relay. */
  bufferedEvents: number;
  /** Events lost: dropped from the full buffer, or in a batch whose posting threw. */
  droppedEvents: number;
  /** `postMessage` calls that threw (the tracker carried on). */
  postErrors: number;
}

// Each posted batch costs the page's main thread a task, a message event and the content script's
// handling, whatever its size: 20,000 events instead of 5,000 cut that by ~6 ms per 100,000 events
// under load, and with repeats, which shrink a loop's batch to a few hundred characters, 50,000
// instead of 20,000 cut the transport's ~1.1 ms to ~0.7 ms (docs/BENCHMARKS.md, 2026-12-04).
const DEFAULT_MAX_BATCH_EVENTS = 50_000;
/** Characters of strings that close a batch while a relay listens: big bundles make no huge message. */
const MAX_BATCH_CHARS = 1_000_000;
/**
 * Entries of a batch's `strings` or `values` that close it while a relay listens. In V8 an array
 * past ~16,000 elements moves its storage to the old generation's large-object space, and from
 * then on every young string or number stored into it pays a write barrier and a remembered-set
 * entry: a batch of 20,000 small bundles cost 2.6-3.5x JSON.stringify of them where 5,000 cost
 * 1.2x (docs/BENCHMARKS.md). 12,288 stays below V8's growth step past 14,021 with room for a
 * bundle of 64 keys. With values written in place (encode.ts, BundleValues) it still holds:
 * 49,152 made bundles 1.3-1.9x dearer, 6,144 changed nothing (paired runs in one process).
 * Events without bundles add neither, and keep the 50,000-event batches.
 */
const MAX_BATCH_ENTRIES = 12_288;
// Every event of a batch may bring a new type name and a new bundle text: two strings.
const LARGEST_BATCH = Math.min(MAX_EVENTS_PER_BATCH, Math.floor((MAX_STRINGS_PER_BATCH - 1024) / 2));
const DEFAULT_BUFFER_EVENTS = 100_000;
const DEFAULT_BUFFER_CHARS = 16_000_000;

/** No bundle previewed yet in the open batch: equal to no bundle a page can pass. */
const NO_BUNDLE = Symbol('no bundle');

function count(value: unknown, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || !(value >= min)) return fallback;
  return Math.min(Math.floor(value), max);
}

/**
 * Streams lifecycle events to the Trackables DevTools panel: posts them into the page's window,
 * where the extension's content script picks them up. Use it as the global tracker, or for
 * some objects, alone or in front of another tracker:
 *
 * ```ts
 * const counts = new Tracker();
 * setGlobalTracker(new PostMessageTracker({ forward: counts }));
 * ```
 *
 * Events are never posted one by one: the events of a task are encoded into one batch and posted
 * in a microtask (or on a timer, see `flush`). Until the extension answers the agent's hello,
 * batches wait in a bounded buffer; what it drops is counted and reported in the next batch.
 * A page load is one session (a reload is a new one): every tracker posting into the window,
 * in whatever copy of the agent, reports under its id, each as a stream of its own (`frame`).
 *
 * Counts are exact for every reader, whatever it missed: the tracker keeps running totals per type
 * (three counters a type, nothing per instance) and posts them when a relay first answers and
 * whenever a reader asks (docs/protocol.md, "Totals"). Only per-instance detail (timeline,
 * bundles) is lost with dropped events, and readers say how much.
 *
 * Bundles are captured when notified: each is turned into its safe JSON preview (see
 * `toBundleJson`) right away, so every event shows the bundle as it was at that moment. One
 * object notified for several events in a row within a task (instances sharing a bundle) is
 * previewed once: changes made to it in between show from its next preview on. A plain object is
 * sent as values (its primitives as they are, its keys once per batch; docs/protocol.md), so a
 * small one costs about what `JSON.stringify` of it does (docs/BENCHMARKS.md); events without a
 * bundle cost only their encoding.
 *
 * The posted messages hold only numbers, type names and the previews: nothing the page's own
 * scripts could not read anyway. They are posted with the page's origin as target origin.
 *
 * The panel's "Reveal in Console" reaches instances of the types given to
 * {@link PostMessageTracker.setObjectTracking}, through the one global the tracker defines in the
 * window it posts into: `__TRACKABLES_DEVTOOLS_HOOK__` (non-enumerable; left alone when the page
 * has its own value under that name, then revealing is not possible).
 *
 * Nothing here throws into the app: errors (its own, the forward tracker's, a `postMessage`
 * that throws) are reported or counted and the tracker carries on.
 */
export class PostMessageTracker implements TrackerProtocol {
  /**
   * The page load's session id: shared by every tracker posting into the same window (other
   * copies of the agent in the page included), new with every page load. A tracker that posts
   * nowhere has one of its own.
   */
  readonly session: string;
  /** This tracker's stream: tells it apart from other trackers, in this window (copies of the agent) or in other frames. */
  readonly frame = randomId();

  readonly #forward: TrackerProtocol | undefined;
  readonly #target: PostMessageTarget | null;
  readonly #origin = pageOrigin();
  readonly #hello: AgentHello;
  readonly #flushAfter: number | 'microtask';
  readonly #maxBatchEvents: number;
  readonly #bundleLimits: BundleLimits | undefined;
  readonly #encoder = new BatchEncoder(clock);
  readonly #buffer = new BatchBuffer();
  readonly #bufferEvents: number;
  readonly #bufferChars: number;
  /**
   * While no relay listens, the open batch is closed at these sizes (a quarter of the bounds, at
   * most a batch), so dropping a whole oldest batch never costs more than a quarter of what is kept.
   */
  readonly #closeAtEvents: number;
  readonly #closeAtChars: number;
  /**
   * The bundle previewed last in this batch and task (NO_BUNDLE: none), and its preview: a run of
   * events with one shared bundle previews it once and sends it once. One slot, not a map by
   * identity: hashing every new bundle object cost more than the preview of a small one.
   */
  #lastBundle: unknown = NO_BUNDLE;
  /** Its preview: JSON text, or a shape text whose values start at `#lastValuesFrom` in the open batch's values. */
  #lastPreview = '';
  #lastShaped = false;
  #lastValuesFrom = 0;
  readonly #listener = (event: MessageEventLike): void => this.#onMessage(event);
  /** Takes this session off the DevTools hook; null without one. */
  readonly #unhook: (() => void) | null;
  /** Running totals by type name, from every event notified (posted or not). */
  readonly #totals = new Map<string, TypeCounts>();
  /** Events notified in all. */
  #events = 0;
  #lastType: TrackedClass | null = null;
  #lastName = '';
  #lastCounts: TypeCounts = zeroCounts();
  #scheduled = false;
  #timer: unknown = undefined;
  #connected = false;
  /** Whether the reader reads arrays in bundles sent as values (READS_ARRAY_VALUES): set by its ready; until then, arrays go as text. */
  #arrayValues = false;
  #disposed = false;
  #seq = 0;
  /** Dropped events not yet reported in a posted batch. */
  #unreported = 0;
  #postedBatches = 0;
  #postedEvents = 0;
  #droppedEvents = 0;
  #postErrors = 0;

  constructor(options: PostMessageTrackerOptions = {}) {
    this.#forward = options.forward;
    this.#target = options.target === undefined ? defaultTarget() : options.target;
    this.session = this.#target === null ? randomId() : windowSession(this.#target);
    this.#flushAfter = typeof options.flush === 'number' && options.flush >= 0 ? options.flush : 'microtask';
    this.#maxBatchEvents = count(options.maxBatchEvents, DEFAULT_MAX_BATCH_EVENTS, 1, LARGEST_BATCH);
    this.#bundleLimits = options.bundleLimits;
    this.#bufferEvents = count(options.bufferEvents, DEFAULT_BUFFER_EVENTS, 0, Number.MAX_SAFE_INTEGER);
    this.#bufferChars = count(options.bufferChars, DEFAULT_BUFFER_CHARS, 0, Number.MAX_SAFE_INTEGER);
    this.#closeAtEvents = Math.min(this.#maxBatchEvents, Math.max(1, Math.ceil(this.#bufferEvents / 4)));
    this.#closeAtChars = Math.max(1, Math.ceil(this.#bufferChars / 4));
    // Buffered batches hold repeats too, so a loop's events take the short way before any reader
    // answers; the first ready decides what is posted (#onMessage).
    this.#encoder.repeats = true;
    this.#hello = {
      source: AGENT_SOURCE,
      v: PROTOCOL_VERSION,
      kind: 'hello',
      session: this.session,
      frame: this.frame,
      agent: VERSION,
      url: pageUrl(),
      time: clock(),
    };
    this.#unhook = this.#target === null ? null : registerWithHook(this.#target, this.session, lookUpInstance);
    if (this.#target !== null) {
      try {
        this.#target.addEventListener('message', this.#listener);
        this.#target.addEventListener(ANNOUNCE_EVENT, this.#announce);
      } catch (error) {
        reportTrackerError(error);
      }
      this.#send(this.#hello);
    }
  }

  notifyAttached(serial: number, type: TrackedClass, bundle: unknown): void {
    if (this.#forward !== undefined) notifyAttached(this.#forward, serial, type, bundle);
    this.#add(Op.attached, serial, type, bundle);
  }

  notifyDetached(serial: number, type: TrackedClass, bundle: unknown): void {
    if (this.#forward !== undefined) notifyDetached(this.#forward, serial, type, bundle);
    this.#add(Op.detached, serial, type, bundle);
  }

  notifyUpdated(serial: number, type: TrackedClass, bundle: unknown): void {
    if (this.#forward !== undefined) notifyUpdated(this.#forward, serial, type, bundle);
    this.#add(Op.updated, serial, type, bundle);
  }

  /** Sent as an update whose bundle is RELEASED_BUNDLE: readers keep the previous bundle. */
  notifyReleased(serial: number, type: TrackedClass, bundle: unknown): void {
    if (this.#forward !== undefined) notifyReleased(this.#forward, serial, type, bundle);
    this.#add(Op.updated, serial, type, RELEASED);
  }

  notifyDestroyed(serial: number, type: TrackedClass, bundle: unknown): void {
    if (this.#forward !== undefined) notifyDestroyed(this.#forward, serial, type, bundle);
    this.#add(Op.destroyed, serial, type, bundle);
  }

  /**
   * Turns object tracking for `type` on or off: the panel can then reveal live instances of
   * `type` in DevTools' Console (see `setInstanceLookup`, which this calls: it holds them weakly,
   * and covers instances that get a tracker from now on, of exactly this class), and the
   * `forward` tracker, when it has `setObjectTracking` (a `Tracker`), lists them too.
   *
   * ```ts
   * const tracker = new PostMessageTracker({ forward: new Tracker() });
   * setGlobalTracker(tracker);
   * tracker.setObjectTracking(Session);
   * ```
   *
   * Instance lookup belongs to the type, not to this tracker: off here is off for every tracker.
   */
  setObjectTracking(type: TrackedClass, enable = true): void {
    setInstanceLookup(type, enable);
    const forward = this.#forward as { setObjectTracking?: unknown } | undefined;
    try {
      if (typeof forward?.setObjectTracking === 'function') forward.setObjectTracking(type, enable);
    } catch (error) {
      reportTrackerError(error);
    }
  }

  /**
   * Closes the open batch now: posts it when a relay is listening, else buffers it. Useful
   * before the page goes away with `flush` set to a timer.
   */
  flush(): void {
    try {
      // `seq` and `dropped` are placeholders: #post numbers a batch when it actually goes out.
      const batch = this.#encoder.take(this.session, this.frame, 1, 0);
      this.#lastBundle = NO_BUNDLE;
      if (batch === null) return;
      if (this.#connected) this.#post(batch);
      else this.#buffer.push(batch);
    } catch (error) {
      reportTrackerError(error);
    }
  }

  /**
   * Stops listening for the relay and posts what is pending if one is listening; later events are
   * only forwarded, and the panel can no longer reveal this session's instances.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.flush();
    this.#disposed = true;
    stopTimer(this.#timer);
    this.#dropped(this.#buffer.events);
    this.#buffer.drain();
    this.#stopListening();
    try {
      this.#target?.removeEventListener(ANNOUNCE_EVENT, this.#announce);
    } catch (error) {
      reportTrackerError(error);
    }
    this.#unhook?.();
  }

  #stopListening(): void {
    if (this.#target === null) return;
    try {
      this.#target.removeEventListener('message', this.#listener);
    } catch (error) {
      reportTrackerError(error);
    }
  }

  /** Same as {@link PostMessageTracker.dispose}. */
  close(): void {
    this.dispose();
  }

  /** Counters, for diagnostics and tests. */
  getStats(): PostMessageTrackerStats {
    return {
      connected: this.#connected,
      postedBatches: this.#postedBatches,
      postedEvents: this.#postedEvents,
      bufferedEvents: this.#buffer.events + this.#encoder.size,
      droppedEvents: this.#droppedEvents,
      postErrors: this.#postErrors,
    };
  }

  /**
   * A loop's events, the same type and op with serials one step apart and no bundle, take the
   * short way: the encoder only counts them into its open repeat, and nothing else changes here
   * but the bounds (the batch's strings and values stay as they are, its flush is scheduled, and
   * a disposed tracker's encoder took its batch, so it has no loop open). Kept apart from
   * #addEvent and small, so that the engine inlines it where a constructor notifies.
   */
  #add(op: Op, serial: number, type: TrackedClass, bundle: unknown): void {
    if (type === this.#lastType && bundle === undefined && this.#encoder.addLoopCopy(op, serial, this.#lastName)) {
      countEvent(this.#lastCounts, op);
      this.#events++;
      if (!this.#connected) this.#bound();
      else if (this.#encoder.size >= this.#maxBatchEvents) this.flush();
    } else {
      this.#addEvent(op, serial, type, bundle);
    }
  }

  #addEvent(op: Op, serial: number, type: TrackedClass, bundle: unknown): void {
    if (this.#disposed) return;
    try {
      if (type !== this.#lastType) {
        const name = trackingNameOf(type);
        let counts = this.#totals.get(name);
        if (counts === undefined) this.#totals.set(name, (counts = zeroCounts()));
        this.#lastName = name;
        this.#lastCounts = counts;
        this.#lastType = type;
      }
      // Counted before encoding: the totals are the page's truth, whatever becomes of the event.
      countEvent(this.#lastCounts, op);
      this.#events++;
      const encoder = this.#encoder;
      if (bundle === undefined) {
        encoder.add(op, serial, this.#lastName, undefined);
      } else if (bundle === RELEASED) {
        encoder.add(op, serial, this.#lastName, RELEASED_BUNDLE);
      } else if (bundle === this.#lastBundle) {
        if (this.#lastShaped) this.#repeatShaped(op, serial);
        else encoder.add(op, serial, this.#lastName, this.#lastPreview, true);
      } else {
        const values = encoder.values;
        const from = values.length;
        const shape = toBundleValues(bundle, values, this.#bundleLimits, this.#arrayValues);
        this.#lastBundle = bundle;
        if (shape !== undefined) {
          this.#lastPreview = shape;
          this.#lastShaped = true;
          this.#lastValuesFrom = from;
          encoder.addShaped(op, serial, this.#lastName, shape, from);
        } else {
          // The preview of anything but undefined is a string.
          this.#lastPreview = toBundleJson(bundle, this.#bundleLimits)!;
          this.#lastShaped = false;
          encoder.add(op, serial, this.#lastName, this.#lastPreview);
        }
      }
      if (!this.#connected) this.#bound();
      else if (
        encoder.size >= this.#maxBatchEvents ||
        encoder.chars >= MAX_BATCH_CHARS ||
        encoder.values.length >= MAX_BATCH_ENTRIES ||
        encoder.strings >= MAX_BATCH_ENTRIES
      ) {
        this.flush();
      }
      if (!this.#scheduled) this.#schedule();
    } catch (error) {
      reportTrackerError(error);
    }
  }

  /** The bundle sent as values just before, once more: every event takes values of its own. */
  #repeatShaped(op: Op, serial: number): void {
    const values = this.#encoder.values;
    const from = values.length;
    values.copy(this.#lastValuesFrom, from);
    this.#lastValuesFrom = from;
    this.#encoder.addShaped(op, serial, this.#lastName, this.#lastPreview, from);
  }

  /**
   * While no relay listens, the open batch stays open across tasks (one batch per task would make
   * the buffer mostly envelopes for a page that creates an object per task), and the buffer
   * with it stays within its bounds: the oldest whole batches go first.
   */
  #bound(): void {
    const encoder = this.#encoder;
    const buffer = this.#buffer;
    if (encoder.size >= this.#closeAtEvents || encoder.chars >= this.#closeAtChars) this.flush();
    while (buffer.events + encoder.size > this.#bufferEvents || buffer.chars + encoder.chars > this.#bufferChars) {
      if (buffer.events > 0) {
        this.#dropped(buffer.dropOldest());
      } else {
        // The open batch alone is past a bound (one huge bundle, or bounds of 0).
        this.#dropped(encoder.size);
        encoder.take(this.session, this.frame, 1, 0);
        this.#lastBundle = NO_BUNDLE;
        break;
      }
    }
  }

  #schedule(): void {
    this.#scheduled = true;
    if (this.#flushAfter !== 'microtask') {
      this.#timer = startTimer(this.#scheduledFlush, this.#flushAfter);
      if (this.#timer !== undefined) return;
    }
    microtask(this.#scheduledFlush);
  }

  readonly #scheduledFlush = (): void => {
    this.#scheduled = false;
    this.#timer = undefined;
    // A later task may change an object bundle: preview it again then.
    this.#lastBundle = NO_BUNDLE;
    this.#encoder.nextTask();
    if (this.#connected) this.flush();
  };

  #onMessage(event: MessageEventLike): void {
    try {
      if (this.#disposed || event.source !== this.#target) return;
      const data = event.data;
      if (!isTaggedAs(data, RELAY_SOURCE)) return;
      const ready = checkRelayReady(data);
      if (!ready.ok) return;
      // The open batch joins the buffer first, so batches go out in order.
      if (!this.#connected) this.flush();
      this.#connected = true;
      // A loop's events shrink to a few characters per clock reading: less for the page's
      // postMessage and the relay's port to copy (docs/protocol.md, "Repeats"). The buffer holds
      // them too; a reader that does not read them gets those batches written out.
      const reads = ready.message.reads ?? [];
      const repeats = reads.includes(READS_REPEATS);
      this.#encoder.repeats = repeats;
      this.#arrayValues = reads.includes(READS_ARRAY_VALUES);
      // Every listener on the window hears what we post from now on, so we need no more
      // answers (a later reader asks with ANNOUNCE_EVENT); and still listening would make
      // the browser deserialize each of our own batches a second time on the page's main
      // thread, just to be ignored.
      this.#stopListening();
      // The relay may have started after our first hello: it learns the session now.
      this.#send(this.#hello);
      for (const batch of this.#buffer.drain()) {
        if (!repeats) batch.ops = withoutRepeats(batch.ops);
        this.#post(batch);
      }
      // What the buffer could not keep is in the totals, so the first reader's counts are exact too.
      this.#postTotals();
    } catch (error) {
      reportTrackerError(error);
    }
  }

  /**
   * A reader asks (ANNOUNCE_EVENT): the hello and the totals again. Before any relay answered
   * there is nothing to do: the relay's ready brings both, after the buffered batches.
   */
  readonly #announce = (): void => {
    try {
      if (this.#disposed || !this.#connected) return;
      this.#send(this.#hello);
      this.#postTotals();
    } catch (error) {
      reportTrackerError(error);
    }
  };

  /** Posts the running totals, after the open batch so that they follow every event they count. */
  #postTotals(): void {
    this.flush();
    const types: AgentTotals['types'] = [];
    for (const [type, { live, created, retired }] of this.#totals) types.push({ type, live, created, retired });
    this.#send({
      source: AGENT_SOURCE,
      v: PROTOCOL_VERSION,
      kind: 'totals',
      session: this.session,
      frame: this.frame,
      seq: this.#seq,
      time: clock(),
      events: this.#events,
      dropped: this.#droppedEvents,
      types,
    });
  }

  #post(batch: AgentBatch): void {
    const events = batch.events;
    batch.seq = this.#seq + 1;
    batch.dropped = this.#unreported;
    if (this.#send(batch)) {
      this.#seq = batch.seq;
      this.#unreported = 0;
      this.#postedBatches++;
      this.#postedEvents += events;
    } else {
      this.#dropped(events);
    }
  }

  #dropped(events: number): void {
    this.#unreported += events;
    this.#droppedEvents += events;
  }

  #send(message: AgentHello | AgentBatch | AgentTotals): boolean {
    if (this.#target === null) return false;
    try {
      this.#target.postMessage(message, this.#origin);
      return true;
    } catch {
      // A DataCloneError cannot come from our plain data; a page's postMessage override can throw anything.
      this.#postErrors++;
      return false;
    }
  }
}
