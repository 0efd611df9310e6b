import { noDrops, streamKey, type AgentBatch, type AgentHello, type AgentTotals, type DropCounters, type Origin, type PanelSubscribe, type RelayDropped, type WorkerHistory } from '../../agent/protocol/messages.js';

/**
 * Bounds of the worker's history (all tabs together, since chrome.storage.session's 10 MiB quota
 * is shared). Sizes are UTF-8 bytes of each entry's JSON.
 *
 * - HISTORY_BUDGET_BYTES (8 MiB): everything kept, for all tabs. Over it, the oldest chunk of the
 *   tab holding the most bytes is evicted (then, once a tab has no chunks left, its oldest hello).
 *   The 2 MiB left of the quota covers keys, per-tab metadata and storage overhead.
 * - CHUNK_BYTES (256 KiB): batches (and the totals between them) are kept in chunks of about this size, one storage item each,
 *   so a write rewrites at most one open chunk; eviction drops a whole chunk (at most ~3 % of the
 *   budget at once). A single batch bigger than that gets a chunk of its own.
 * - HELLOS_PER_TAB (256): hellos are kept apart from batches (every replay includes them); past
 *   this many in a tab the oldest goes.
 *
 * Every evicted message counts in its tab's `historyMessages`.
 */
export const HISTORY_BUDGET_BYTES = 8 * 1024 * 1024;
export const CHUNK_BYTES = 256 * 1024;
export const HELLOS_PER_TAB = 256;

export interface HistoryLimits {
  budgetBytes: number;
  chunkBytes: number;
  hellosPerTab: number;
}

export const DEFAULT_LIMITS: HistoryLimits = { budgetBytes: HISTORY_BUDGET_BYTES, chunkBytes: CHUNK_BYTES, hellosPerTab: HELLOS_PER_TAB };

/** What is kept in chunks, in arrival order: a stream's batches and the totals posted between them. */
export type StreamMessage = AgentBatch | AgentTotals;

export interface Entry<M = AgentHello | StreamMessage> {
  origin: Origin;
  message: M;
}

/** A storable piece of one tab: its metadata, its hellos, or one chunk of batches (by id). */
export type Part = 'meta' | 'hellos' | number;

/** A tab's parts as saved, for restore. */
export interface SavedTab {
  tabId: number;
  meta: SavedMeta;
  hellos: Entry<AgentHello>[];
  chunks: Map<number, Entry<StreamMessage>[]>;
}

export interface SavedMeta {
  drops: DropCounters;
  /** Chunk ids, oldest first. */
  chunks: number[];
  nextChunk: number;
}

/**
 * An entry with its JSON text, made once when it arrives: its size is read from it and storage
 * writes it as is, so the worker serializes each message once (Chrome's port to the panel
 * aside, which is not ours to share).
 */
interface Sized<M> {
  entry: Entry<M>;
  json: string;
  bytes: number;
}

interface Chunk {
  id: number;
  items: Sized<StreamMessage>[];
  bytes: number;
}

interface Tab {
  drops: DropCounters;
  hellos: Sized<AgentHello>[];
  chunks: Chunk[];
  nextChunk: number;
  bytes: number;
  /** Highest batch `seq` taken per (session, frame), least recently added first. */
  lastSeq: Map<string, number>;
}

const NOT_ASCII = /[^\x00-\x7f]/;

/** UTF-8 bytes of `text`, without encoding it: entries are almost always ASCII. */
export function utf8Length(text: string): number {
  if (!NOT_ASCII.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair: one code point of 4 bytes.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function sized<M>(entry: Entry<M>): Sized<M> {
  const json = JSON.stringify(entry);
  return { entry, json, bytes: utf8Length(json) };
}

/** The JSON text of a list of entries, from the texts they already have. */
function jsonList(items: readonly Sized<unknown>[]): string {
  return `[${items.map((item) => item.json).join(',')}]`;
}


/**
 * Every tab's relayed messages since the worker's storage was last cleared, bounded (see the
 * constants above), with its drop counters. Relay drop notices are not kept as entries: they are
 * folded into the counters, so a replay never counts them twice. A batch that comes again (a
 * content script resends what the worker had not acknowledged) is not taken twice.
 *
 * It records which parts changed for the persister to write (takeChanges), so storage gets
 * small writes of what changed, not the whole history.
 */
export class History {
  private readonly tabs = new Map<number, Tab>();
  private bytes = 0;
  private readonly dirty = new Map<string, { tabId: number; part: Part }>();

  constructor(private readonly limits: HistoryLimits = DEFAULT_LIMITS) {}

  /**
   * Keeps a hello unless this agent's hello is already kept (an agent repeats it after every
   * ready). 'navigated' when it starts a new session in the tab's top frame.
   */
  addHello(origin: Origin, hello: AgentHello): 'repeated' | 'navigated' | 'kept' {
    const tab = this.tab(origin.tabId);
    const key = streamKey(hello.session, hello.frame);
    if (tab.hellos.some(({ entry }) => streamKey(entry.message.session, entry.message.frame) === key)) return 'repeated';
    const navigated = origin.frameId === 0 && this.topSession(tab) !== hello.session;
    const item = sized({ origin, message: hello });
    tab.hellos.push(item);
    this.grow(tab, item.bytes);
    this.mark(origin.tabId, 'hellos');
    while (tab.hellos.length > this.limits.hellosPerTab) this.evictHello(origin.tabId, tab);
    this.enforceBudget();
    return navigated ? 'navigated' : 'kept';
  }

  /**
   * Keeps a batch unless this (session, frame) already had one with this `seq` or a later one:
   * an agent numbers its batches in order and a content script relays them in order, so only a
   * resend goes back. Returns whether it was kept.
   */
  addBatch(origin: Origin, batch: AgentBatch): boolean {
    const tab = this.tab(origin.tabId);
    if (!this.takeSeq(tab, batch)) return false;
    this.keep(origin, tab, batch);
    if (batch.dropped > 0) {
      tab.drops.agentEvents += batch.dropped;
      this.mark(origin.tabId, 'meta');
    }
    this.enforceBudget();
    return true;
  }

  /**
   * Keeps a stream's totals where they came, between its batches, so a replay gives them in the
   * stream's order. Never refused: a reader ignores totals older than what it counted.
   */
  addTotals(origin: Origin, totals: AgentTotals): void {
    this.keep(origin, this.tab(origin.tabId), totals);
    this.enforceBudget();
  }

  private keep(origin: Origin, tab: Tab, message: StreamMessage): void {
    const item = sized({ origin, message });
    let chunk = tab.chunks.at(-1);
    if (!chunk || (chunk.items.length > 0 && chunk.bytes + item.bytes > this.limits.chunkBytes)) {
      chunk = { id: tab.nextChunk++, items: [], bytes: 0 };
      tab.chunks.push(chunk);
      this.mark(origin.tabId, 'meta');
    }
    chunk.items.push(item);
    chunk.bytes += item.bytes;
    this.grow(tab, item.bytes);
    this.mark(origin.tabId, chunk.id);
  }

  addRelayDrops(tabId: number, notice: RelayDropped): void {
    const tab = this.tab(tabId);
    tab.drops.relayMessages += notice.messages;
    tab.drops.invalidMessages += notice.invalid ?? 0;
    this.mark(tabId, 'meta');
  }

  countInvalid(tabId: number): void {
    this.tab(tabId).drops.invalidMessages += 1;
    this.mark(tabId, 'meta');
  }

  remove(tabId: number): void {
    const tab = this.tabs.get(tabId);
    if (!tab) return;
    this.tabs.delete(tabId);
    this.bytes -= tab.bytes;
    this.mark(tabId, 'meta');
    this.mark(tabId, 'hellos');
    for (const chunk of tab.chunks) this.mark(tabId, chunk.id);
  }

  /**
   * What a panel subscribing to `tabId` gets: every hello, then the batches newer than what it
   * says it has, oldest first, with the totals that came between them (those not older than what
   * it has: it may lack them, and ignores what it does not need).
   */
  replay(tabId: number, have: PanelSubscribe['have']): WorkerHistory {
    const tab = this.tabs.get(tabId);
    if (!tab) return { kind: 'history', tabId, entries: [], drops: noDrops() };
    const known = new Map(have.map(({ session, frame, seq }) => [streamKey(session, frame), seq]));
    const entries: WorkerHistory['entries'] = tab.hellos.map(({ entry }) => entry);
    for (const chunk of tab.chunks) {
      for (const { entry } of chunk.items) {
        const { message } = entry;
        const have = known.get(streamKey(message.session, message.frame)) ?? 0;
        if (message.seq > have || (message.kind === 'totals' && message.seq === have)) entries.push(entry);
      }
    }
    return { kind: 'history', tabId, entries, drops: { ...tab.drops } };
  }

  /** UTF-8 bytes held, all tabs. */
  get size(): number {
    return this.bytes;
  }

  /**
   * The parts changed since the last call, each with the JSON text of its value now (joined from
   * the texts its entries got when they arrived, not serialized again), or undefined when the
   * part no longer exists (to be removed from storage).
   */
  takeChanges(): { tabId: number; part: Part; json: string | undefined }[] {
    const changes = [...this.dirty.values()].map(({ tabId, part }) => ({ tabId, part, json: this.part(tabId, part) }));
    this.dirty.clear();
    return changes;
  }

  /** Marks parts changed again (their write failed). */
  markChanged(parts: { tabId: number; part: Part }[]): void {
    for (const { tabId, part } of parts) this.mark(tabId, part);
  }

  /** Rebuilds tabs from storage (the worker restarted), then applies the bounds. */
  restore(saved: SavedTab[]): void {
    for (const { tabId, meta, hellos, chunks } of saved) {
      const tab: Tab = { drops: { ...meta.drops }, hellos: [], chunks: [], nextChunk: meta.nextChunk, bytes: 0, lastSeq: new Map() };
      for (const entry of hellos) {
        const item = sized(entry);
        tab.hellos.push(item);
        tab.bytes += item.bytes;
      }
      for (const id of meta.chunks) {
        const entries = chunks.get(id);
        if (!entries) continue;
        const chunk: Chunk = { id, items: entries.map(sized), bytes: 0 };
        chunk.bytes = chunk.items.reduce((sum, item) => sum + item.bytes, 0);
        for (const { message } of entries) if (message.kind === 'batch') this.takeSeq(tab, message);
        tab.chunks.push(chunk);
        tab.bytes += chunk.bytes;
      }
      this.tabs.set(tabId, tab);
      this.bytes += tab.bytes;
    }
    this.enforceBudget();
  }

  private part(tabId: number, part: Part): string | undefined {
    const tab = this.tabs.get(tabId);
    if (!tab) return undefined;
    if (part === 'meta') return JSON.stringify({ drops: tab.drops, chunks: tab.chunks.map((chunk) => chunk.id), nextChunk: tab.nextChunk } satisfies SavedMeta);
    const items = part === 'hellos' ? tab.hellos : tab.chunks.find((chunk) => chunk.id === part)?.items;
    return items && jsonList(items);
  }

  private tab(tabId: number): Tab {
    let tab = this.tabs.get(tabId);
    if (!tab) {
      tab = { drops: noDrops(), hellos: [], chunks: [], nextChunk: 0, bytes: 0, lastSeq: new Map() };
      this.tabs.set(tabId, tab);
      this.mark(tabId, 'meta');
    }
    return tab;
  }

  /** Records `batch` as the latest of its (session, frame); false if it is not newer. */
  private takeSeq(tab: Tab, batch: AgentBatch): boolean {
    const key = streamKey(batch.session, batch.frame);
    const last = tab.lastSeq.get(key);
    if (last !== undefined && batch.seq <= last) return false;
    // Re-inserted so the map's order is by last use: a tab has about one agent per frame and
    // load, so forgetting the least recently active past as many as it keeps hellos is safe.
    tab.lastSeq.delete(key);
    tab.lastSeq.set(key, batch.seq);
    if (tab.lastSeq.size > this.limits.hellosPerTab) tab.lastSeq.delete(tab.lastSeq.keys().next().value!);
    return true;
  }

  private topSession(tab: Tab): string | undefined {
    for (let i = tab.hellos.length - 1; i >= 0; i--) {
      const { entry } = tab.hellos[i]!;
      if (entry.origin.frameId === 0) return entry.message.session;
    }
    return undefined;
  }

  private grow(tab: Tab, bytes: number): void {
    tab.bytes += bytes;
    this.bytes += bytes;
  }

  private enforceBudget(): void {
    while (this.bytes > this.limits.budgetBytes) {
      let fullest: [number, Tab] | undefined;
      for (const pair of this.tabs) if (!fullest || pair[1].bytes > fullest[1].bytes) fullest = pair;
      if (!fullest || fullest[1].bytes === 0) return;
      const [tabId, tab] = fullest;
      if (tab.chunks.length > 0) this.evictChunk(tabId, tab);
      else this.evictHello(tabId, tab);
    }
  }

  private evictChunk(tabId: number, tab: Tab): void {
    const chunk = tab.chunks.shift()!;
    this.grow(tab, -chunk.bytes);
    tab.drops.historyMessages += chunk.items.length;
    this.mark(tabId, chunk.id);
    this.mark(tabId, 'meta');
  }

  private evictHello(tabId: number, tab: Tab): void {
    const hello = tab.hellos.shift()!;
    this.grow(tab, -hello.bytes);
    tab.drops.historyMessages += 1;
    this.mark(tabId, 'hellos');
    this.mark(tabId, 'meta');
  }

  private mark(tabId: number, part: Part): void {
    this.dirty.set(`${tabId}/${part}`, { tabId, part });
  }
}
