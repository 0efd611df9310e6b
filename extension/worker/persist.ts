import type { AgentBatch, AgentHello } from '../../agent/protocol/messages.js';
import type { Entry, History, Part, SavedMeta, SavedTab } from './history.js';

/**
 * Write-behind delay: changes reach chrome.storage.session at most this long after they happen.
 * Chrome stops an idle worker after 30 s, so every change is written well before that.
 */
export const FLUSH_DELAY_MS = 500;

/** The part of chrome.storage.session this uses (the polyfill's StorageArea fits). */
export interface SessionArea {
  get(keys?: null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

export type Schedule = (callback: () => void, delayMs: number) => void;

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
 * Writes happen in order; a failed write is retried with the next one.
 */
export class Persister {
  private timerSet = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly area: SessionArea,
    private readonly history: History,
    private readonly setTimer: Schedule,
    private readonly delayMs = FLUSH_DELAY_MS,
  ) {}

  schedule(): void {
    if (this.timerSet) return;
    this.timerSet = true;
    this.setTimer(() => {
      this.timerSet = false;
      void this.flush();
    }, this.delayMs);
  }

  /** Writes what changed now; resolves when this and every earlier write is done. */
  flush(): Promise<void> {
    const changes = this.history.takeChanges();
    if (changes.length === 0) return this.writing;
    const items: Record<string, string> = {};
    const gone: string[] = [];
    for (const { tabId, part, value } of changes) {
      if (value === undefined) gone.push(keyOf(tabId, part));
      else items[keyOf(tabId, part)] = JSON.stringify(value);
    }
    this.writing = this.writing.then(async () => {
      try {
        if (Object.keys(items).length > 0) await this.area.set(items);
        if (gone.length > 0) await this.area.remove(gone);
      } catch (error) {
        console.warn('Trackables: could not save history', error);
        this.history.markChanged(changes);
      }
    });
    return this.writing;
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
        const entries = parse<Entry<AgentBatch>[]>(value);
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
