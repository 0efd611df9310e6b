import type { CDPSession, Disposable, Frame, Page } from '@playwright/test';
import { AGENT_SOURCE, ANNOUNCE_SCRIPT, PROTOCOL_VERSION, READS_ARRAY_VALUES, READS_REPEATS, RELAY_SOURCE, streamKey, type AgentMessage } from '../protocol/messages.js';
import { buildRecording, type RecordedSession, type Recording } from '../protocol/recording.js';
import { checkAgentMessage, isNewerAgentKind } from '../protocol/validate.js';
import { missedDetail } from '../protocol/type-counts.js';
import { SessionState, sumCounts, type TypeCounts } from './counts.js';
import { whyAliveInFrame, type WhyAliveAnswer } from './heap/why-alive.js';
import { armSentinel, installRelay, pageScript, postMarker, sentinelFired, stopRelay, type RelayCall, type RelayConfig } from './relay.js';

/** Where a binding call came from (Playwright does not export the type). */
interface BindingSource {
  frame: Frame;
}

const MARKER_SOURCE = 'trackables-playwright';
const SENTINEL_KEY = 'trackables.playwright.gc-sentinel';
/** Forced collections before giving up on seeing the sentinel finalized. */
const GC_ATTEMPTS = 5;
/** Macrotask turns to wait for the sentinel after each collection. */
const SENTINEL_TURNS = 20;
/** Round trips without new messages that end the wait for late finalizations. */
const QUIET_ROUND_TRIPS = 1;

/** Options of {@link TrackablesAttachment.snapshot}. */
export interface SnapshotOptions {
  /** Also list each type's live instances with their latest bundle. Default false. */
  serials?: boolean;
  /** The session to count; default: the latest session of the page's main frame. */
  session?: string;
}

/**
 * Counts per type of one session (every copy of the agent in its window): the agent's own
 * running totals, plus the events since. They are exact even when this attachment missed events
 * (another reader took them, the agent's buffer overflowed); only per-instance detail (`serials`,
 * bundles) can miss them, and `partial` says how much and why.
 */
export interface Snapshot {
  /** The session counted, or null when no agent has been heard from yet (then `types` is empty). */
  session: string | null;
  /** The frame's URL when its agent started. */
  url: string;
  /** By type name, in name order. */
  types: Record<string, TypeCounts>;
  /**
   * Whether `types` are the page's true totals. False only with an agent too old to send its
   * totals that dropped events, or when batches were lost after the agent's latest totals.
   */
  exact: boolean;
  /** What per-instance detail (`serials`, their bundles) misses, and why; null when nothing. */
  partial: { missedEvents: number; reasons: string[] } | null;
  /** Events the agent reported dropped in the batches received (its buffer was full before a reader listened). */
  droppedEvents: number;
  /** Batches lost on the way (gaps in `seq`) since the agent's latest totals. */
  missingBatches: number;
}

/** A stream the attachment has heard from: a session (one page load in one frame) and one copy of the agent in it. */
export interface SessionInfo {
  session: string;
  frame: string;
  url: string;
  /** Whether it came from the page's main frame (else an iframe). */
  mainFrame: boolean;
}

/** Counters of what an attachment received. */
export interface AttachmentStats {
  messages: number;
  events: number;
  /** Messages that failed validation and were dropped. */
  invalidMessages: number;
  /** Type names seen, over all sessions. */
  types: number;
}

/** A recording in progress; see {@link TrackablesAttachment.record}. */
export interface RecordingHandle {
  /** Waits for what the page posted so far, stops recording and returns the recording. */
  stop(): Promise<Recording>;
}

/** What {@link attachTrackables} returns. */
export interface TrackablesAttachment {
  /** Per-type counts of a session, once everything the page posted so far has arrived. */
  snapshot(options?: SnapshotOptions): Promise<Snapshot>;
  /**
   * Forces a full garbage collection (Chromium only, over CDP) and waits until the destroyed
   * notifications it caused have arrived.
   */
  collectGarbage(): Promise<void>;
  /**
   * Why each instance is still alive: for each serial, the shortest path from where the page
   * holds it (usually `Window`) to the instance, as steps and as text, or a plain answer when it
   * was already collected or its serial is unknown. Chromium only (a heap snapshot over CDP;
   * takes one for all serials). Finds instances without any opt-in by the page, and keeps
   * nothing alive. Call {@link collectGarbage} first for exact answers.
   */
  whyAlive(serials: readonly number[], options?: { session?: string }): Promise<WhyAliveAnswer[]>;
  /** Starts recording every agent message from now on (all sessions and frames). */
  record(): RecordingHandle;
  /** Waits until every message the page's frames posted before the call has arrived. */
  settle(): Promise<void>;
  /** The sessions heard from, in the order they were first heard from. */
  sessions(): SessionInfo[];
  stats(): AttachmentStats;
  /** Stops relaying and removes what was installed in the page. */
  detach(): Promise<void>;
}

/** One agent (a session in a frame) the attachment hears, and whether it runs in the main frame. */
interface ObservedAgent {
  state: SessionState;
  mainFrame: boolean;
  frame: Frame;
}

let attachments = 0;
const current = new WeakMap<Page, TrackablesAttachment>();

/** The attachment most recently made to `page` and not detached, if any. */
export function attachmentOf(page: Page): TrackablesAttachment | undefined {
  return current.get(page);
}

/**
 * Listens to the Trackables agent in `page` from Node, with or without the DevTools extension.
 *
 * Installs a small relay in the page (for the current document and every later one) that
 * answers the agent like the extension's content script does and forwards its messages to Node,
 * where they are validated (invalid ones are dropped and counted) and decoded. The agent keeps
 * its events until a relay answers, so attaching after the page loaded still sees everything
 * since the agent started, unless the extension is installed too and took them first. Attach
 * before `page.goto` for a complete history.
 *
 * ```ts
 * const trackables = await attachTrackables(page);
 * await page.goto(url);
 * await trackables.collectGarbage();
 * const { types } = await trackables.snapshot();
 * ```
 */
export async function attachTrackables(page: Page): Promise<TrackablesAttachment> {
  const config: RelayConfig = {
    binding: `__trackablesRelay${++attachments}_${Math.random().toString(36).slice(2, 10)}`,
    agentSource: AGENT_SOURCE,
    relaySource: RELAY_SOURCE,
    markerSource: MARKER_SOURCE,
    version: PROTOCOL_VERSION,
    reads: [READS_REPEATS, READS_ARRAY_VALUES],
  };
  const sessions = new Map<string, ObservedAgent>();
  const recordings = new Set<Map<string, AgentMessage[]>>();
  const markers = new Map<number, () => void>();
  const stats = { messages: 0, events: 0, invalidMessages: 0 };
  let nextMarker = 0;
  let cdp: CDPSession | undefined;
  let detached = false;

  const receive = (source: BindingSource, call: RelayCall): void => {
    if (call.kind === 'marker') {
      markers.get(call.id)?.();
      return;
    }
    const checked = checkAgentMessage(call.data);
    if (!checked.ok) {
      // A newer agent's extra kinds of message are for newer readers: ignored, not invalid.
      if (!isNewerAgentKind(call.data)) stats.invalidMessages++;
      return;
    }
    const message = checked.message;
    const key = streamKey(message.session, message.frame);
    let session = sessions.get(key);
    if (session === undefined) {
      session = { state: new SessionState(message.session, message.frame), mainFrame: source.frame === page.mainFrame(), frame: source.frame };
      sessions.set(key, session);
    }
    session.state.apply(message);
    stats.messages++;
    if (message.kind === 'batch') stats.events += message.events;
    for (const recording of recordings) {
      let messages = recording.get(key);
      if (messages === undefined) recording.set(key, (messages = []));
      messages.push(message);
    }
  };

  const disposables: Disposable[] = [];
  disposables.push(await page.exposeBinding(config.binding, (source, call: RelayCall) => receive(source, call)));
  disposables.push(await page.addInitScript({ content: pageScript(installRelay, config) }));
  // Documents already loaded, iframes too: the init script reaches only documents to come.
  await Promise.allSettled(page.frames().map((frame) => frame.evaluate(pageScript(installRelay, config))));

  /**
   * Asks every agent in the page for its hello and totals: one that answered another reader
   * before (the extension, an earlier attachment) no longer listens for a relay's ready.
   */
  const askForTotals = async (): Promise<void> => {
    if (detached || page.isClosed()) return;
    await Promise.allSettled(page.frames().map((frame) => frame.evaluate(ANNOUNCE_SCRIPT)));
  };
  await askForTotals();

  /** Waits until what `frame` posted so far has arrived (or its document went away). */
  const settleFrame = async (frame: Frame): Promise<void> => {
    const id = ++nextMarker;
    // A navigation or a closing page loses the marker: the old document has nothing more to say.
    let stopWaiting = (): void => undefined;
    const arrived = new Promise<void>((resolve) => {
      markers.set(id, resolve);
      const onClose = (): void => resolve();
      const onFrameGone = (gone: Frame): void => {
        if (gone === frame) resolve();
      };
      page.on('close', onClose);
      page.on('framenavigated', onFrameGone);
      page.on('framedetached', onFrameGone);
      stopWaiting = () => {
        page.off('close', onClose);
        page.off('framenavigated', onFrameGone);
        page.off('framedetached', onFrameGone);
      };
    });
    try {
      const posted = await frame.evaluate(pageScript(postMarker, { markerSource: MARKER_SOURCE, id, binding: config.binding }));
      if (posted) await arrived;
    } catch {
      // The document went away while the marker was on its way.
    } finally {
      stopWaiting();
      markers.delete(id);
    }
  };

  /** Waits until what every frame of the page posted so far has arrived. */
  const settle = async (): Promise<void> => {
    if (detached || page.isClosed()) return;
    await Promise.all(page.frames().map(settleFrame));
  };

  /** Every stream of the session (one per copy of the agent in the window), first heard first. */
  const streamsOf = (name: string | undefined): SessionState[] => {
    const all = [...sessions.values()];
    const session = name ?? all.filter((stream) => stream.mainFrame).at(-1)?.state.session;
    return all.filter((stream) => stream.state.session === session).map((stream) => stream.state);
  };

  const attachment: TrackablesAttachment = {
    async snapshot(options = {}) {
      await askForTotals();
      await settle();
      const streams = streamsOf(options.session);
      const first = streams[0];
      if (first === undefined) {
        if (options.session !== undefined) throw new Error(`Trackables: no session "${options.session}" was heard from on this page.`);
        return { session: null, url: page.url(), types: {}, exact: true, partial: null, droppedEvents: 0, missingBatches: 0 };
      }
      return {
        session: first.session,
        url: first.url,
        types: sumCounts(streams.map((state) => state.counts(options.serials ?? false))),
        exact: streams.every((state) => state.exact),
        partial: partialDetail(streams),
        droppedEvents: streams.reduce((sum, state) => sum + state.droppedEvents, 0),
        missingBatches: streams.reduce((sum, state) => sum + state.missingBatches, 0),
      };
    },

    async collectGarbage() {
      cdp ??= await openCdp(page);
      let fired = false;
      for (let attempt = 0; attempt < GC_ATTEMPTS && !fired; attempt++) {
        await page.evaluate(pageScript(armSentinel, SENTINEL_KEY));
        await cdp.send('HeapProfiler.collectGarbage');
        fired = (await page.evaluate(pageScript(sentinelFired, { key: SENTINEL_KEY, turns: SENTINEL_TURNS }))) === true;
      }
      if (!fired) throw new Error(`Trackables: ${GC_ATTEMPTS} forced garbage collections did not run the page's finalization callbacks.`);
      // Other registries' callbacks (the agent's) may run in later tasks than the sentinel's:
      // wait until a full round trip through the page brings nothing new.
      for (let quiet = 0; quiet < QUIET_ROUND_TRIPS; ) {
        const before = stats.messages + stats.invalidMessages;
        await settle();
        quiet = stats.messages + stats.invalidMessages === before ? quiet + 1 : 0;
      }
    },

    async whyAlive(serials, options = {}) {
      await settle();
      const streams = streamsOf(options.session);
      if (streams.length === 0 && options.session !== undefined) throw new Error(`Trackables: no session "${options.session}" was heard from on this page.`);
      // Serials are unique per window across copies of the agent: the stream that heard of one knows its fate.
      const fate = (serial: number) =>
        streams.map((state) => state.fate(serial)).find((known) => known.status !== 'unknown') ?? { status: 'unknown' as const };
      const session = streams[0]?.session ?? '';
      const frame = [...sessions.values()].find((agent) => agent.state.session === session)?.frame;
      return whyAliveInFrame(page, frame, async () => (cdp ??= await openCdp(page)), serials, session, fate);
    },

    record() {
      const recording = new Map<string, AgentMessage[]>();
      recordings.add(recording);
      return {
        async stop() {
          await settle();
          recordings.delete(recording);
          return toRecording(recording, sessions);
        },
      };
    },

    settle,

    sessions() {
      return [...sessions.values()].map(({ state, mainFrame }) => ({ session: state.session, frame: state.frame, url: state.url, mainFrame }));
    },

    stats() {
      // Derived when asked: each session's state already knows the type names it decoded.
      const typeNames = new Set<string>();
      for (const { state } of sessions.values()) for (const name of state.typeNames()) typeNames.add(name);
      return { ...stats, types: typeNames.size };
    },

    async detach() {
      if (detached) return;
      detached = true;
      if (current.get(page) === attachment) current.delete(page);
      recordings.clear();
      for (const resolve of markers.values()) resolve();
      await Promise.allSettled([
        ...page.frames().map((frame) => frame.evaluate(pageScript(stopRelay, config.binding))),
        ...disposables.map((disposable) => disposable.dispose()),
        cdp?.detach(),
      ]);
    },
  };
  current.set(page, attachment);
  return attachment;
}

/** What the streams' per-instance detail misses, and why, in words; null when nothing. */
function partialDetail(streams: readonly SessionState[]): Snapshot['partial'] {
  let missed = 0;
  let dropped = 0;
  let missingBatches = 0;
  for (const state of streams) {
    if (state.baseline === null) {
      missed += state.droppedEvents;
      dropped += state.droppedEvents;
    } else {
      const detail = missedDetail(state.baseline);
      missed += detail.missed;
      dropped += detail.droppedByAgent;
    }
    missingBatches += state.missingBatches;
  }
  if (missed === 0 && missingBatches === 0) return null;
  const reasons: string[] = [];
  if (dropped > 0) reasons.push(`${plural(dropped, 'event')} dropped by the agent: its buffer was full before a reader listened`);
  if (missed > dropped) {
    reasons.push(
      `${plural(missed - dropped, 'event')} posted before this attachment listened: another reader (the DevTools extension, ` +
        'an earlier attachment) received them. Attach before page.goto for every instance',
    );
  }
  if (missingBatches > 0) reasons.push(`${plural(missingBatches, 'batch', 'batches')} lost on the way since the agent's latest totals`);
  return { missedEvents: missed, reasons };
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}

async function openCdp(page: Page): Promise<CDPSession> {
  try {
    return await page.context().newCDPSession(page);
  } catch (error) {
    throw new Error(
      'Trackables: cannot force garbage collection in this browser. It needs the Chrome DevTools Protocol ' +
        '(HeapProfiler.collectGarbage), which only Chromium has; run leak checks in a Chromium project. ' +
        `(${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

function toRecording(recorded: Map<string, AgentMessage[]>, sessions: Map<string, ObservedAgent>): Recording {
  const recordedSessions: RecordedSession[] = [];
  for (const [key, messages] of recorded) {
    const { state } = sessions.get(key)!;
    recordedSessions.push({ session: state.session, frame: state.frame, url: state.url, startedAt: state.startedAt, messages });
  }
  return buildRecording('trackables/playwright', recordedSessions);
}
