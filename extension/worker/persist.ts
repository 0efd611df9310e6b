import type { AgentHello } from '../../agent/protocol/messages.js';
import type { Entry, History, Part, SavedMeta, SavedTab, StreamMessage } from './history.js';

/**
 * Write-behind delay: changes reach chrome.storage.session at most this long after they happen.
 * Short, because content scripts hold what the worker has not stored (see WriteObserver); long
 * enough that a busy page's batches share a write.
 */
export const FLUSH_DELAY_MS = 200;

/** The part of chrome.storage.session this uses (the polyfill's StorageArea fits). */
export interface SessionArea {
  get(keys?: null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

export type Schedule = (callback: () => void, delayMs: number) => void;

/** Told about each write, so that the worker can acknowledge exactly what reached storage. */
export interface WriteObserver {
  /** A write takes the history's changes now: everything changed so far goes into it. */
  taking(): void;
  /** That write is stored. (A failed write is not reported: its changes go with the next one.) */
  stored(): void;
}

/*
 * Storage layout, one item per part of a tab, each a JSON string: Chrome charges session storage
 * by the memory of the stored value, and a string costs its length while a parsed batch (an array
 * of numbers) costs several times its JSON size.
 *
 *   t:<tabId>            SavedMeta: drop counters, chunk ids
 *   h:<tabId>            the tab's hellos
 *   c:<tabId>:<chunkId>  one chunk of batches (≤ CHUNK_BYTES unless one batch is bigger)
 */
function keyOf(tabId: number, part: Part): string {
  if (part === 'meta') return `t:${tabId}`;
  if (part === 'hellos') return `h:${tabId}`;
  return `c:${tabId}:${part}`;
}

function parse<T>(value: unknown): T | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}

/**
 * Keeps chrome.storage.session in step with the History, write-behind: `schedule()` after changing
 * the history, and at most one write per FLUSH_DELAY_MS follows with just the changed parts.
 * Writes happen one after another, each taking the changes when the one before is done, so a
 * failed write's changes go with the next and a stored write means every earlier change is stored.
 */
export class Persister {
  private timerSet = false;
  private writing: Promise<void> = Promise.resolve();
  private observer: WriteObserver | null = null;

  constructor(
    private readonly area: SessionArea,
    private readonly history: History,
    private readonly setTimer: Schedule,
    private readonly delayMs = FLUSH_DELAY_MS,
  ) {}

  observe(observer: WriteObserver): void {
    this.observer = observer;
  }

  schedule(): void {
    if (this.timerSet) return;
    this.timerSet = true;
    this.setTimer(() => {
      this.timerSet = false;
      void this.flush();
    }, this.delayMs);
  }

  /** Writes what changed by now, after earlier writes; resolves when it is done. */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  private async write(): Promise<void> {
    this.observer?.taking();
    const changes = this.history.takeChanges();
    const items: Record<string, string> = {};
    const gone: string[] = [];
    for (const { tabId, part, json } of changes) {
      if (json === undefined) gone.push(keyOf(tabId, part));
      else items[keyOf(tabId, part)] = json;
    }
    try {
      if (Object.keys(items).length > 0) await this.area.set(items);
      if (gone.length > 0) await this.area.remove(gone);
    } catch (error) {
      console.warn('Trackables: could not save history', error);
      this.history.markChanged(changes);
      return;
    }
    // Also with nothing to write: what was taken meanwhile (a resent batch) is stored already.
    this.observer?.stored();
  }

  /** Reads every saved tab, and removes items no tab refers to (left by an interrupted write). */
  async load(): Promise<SavedTab[]> {
    const stored = await this.area.get(null);
    const tabs = new Map<number, SavedTab>();
    for (const [key, value] of Object.entries(stored)) {
      const match = /^t:(-?\d+)$/.exec(key);
      const meta = match && parse<SavedMeta>(value);
      if (!match || !meta) continue;
      const tabId = Number(match[1]);
      tabs.set(tabId, { tabId, meta, hellos: parse<Entry<AgentHello>[]>(stored[keyOf(tabId, 'hellos')]) ?? [], chunks: new Map() });
    }
    const orphans: string[] = [];
    for (const [key, value] of Object.entries(stored)) {
      const [, kind, tabId, chunkId] = /^([thc]):(-?\d+)(?::(\d+))?$/.exec(key) ?? [];
      const tab = tabs.get(Number(tabId));
      if (kind === 'c' && tab && tab.meta.chunks.includes(Number(chunkId))) {
        const entries = parse<Entry<StreamMessage>[]>(value);
        if (entries) tab.chunks.set(Number(chunkId), entries);
        else orphans.push(key);
      } else if (!tab || kind === 'c') {
        orphans.push(key);
      }
    }
    if (orphans.length > 0) await this.area.remove(orphans);
    return [...tabs.values()];
  }
}
