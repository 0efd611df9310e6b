import type { DropTotals } from '../../store/drop-tally.js';
import { ChangeEvents } from '../../store/change-events.js';
import { comparedPair, type ComparedPair, type ComparePick } from '../../store/compare.js';
import type { ExportedRecording } from '../../store/export-recording.js';
import type { InstanceRecord } from '../../store/lifelines.js';
import type { InstanceKey, PanelStore } from '../../store/panel-store.js';
import type { Session } from '../../store/session.js';

/** An instance picked for the bundle inspector, while its session still remembers it. */
export interface SelectedInstance extends InstanceKey {
  readonly record: InstanceRecord;
}

/**
 * - `selection`: the shown session (also when the store's list changes, which can change it),
 *   and the picked instance;
 * - `compare`: the Compare view's picks;
 * - `banners`: the import error and notice.
 */
export type ViewTopic = 'selection' | 'compare' | 'banners';

/**
 * What the views show of a PanelStore, kept out of the store (as React DevTools keeps `Store`
 * free of UI state): the shown session and whether the user pinned it, the instance picked for
 * the inspector, the Compare view's picks, and the import banners. One per panel, shared by every
 * view; changes are told at once (they follow clicks, not messages).
 *
 * The shown session follows page loads: the newest whose top frame reported (before any did, the
 * first session seen), until the user picks another or imports a recording, which pins it.
 */
export class ViewState {
  readonly store: PanelStore;
  readonly #events = new ChangeEvents<ViewTopic>((flush) => flush());
  #chosen: string | null = null;
  #pinned = false;
  #instance: InstanceKey | null = null;
  #comparePick: ComparePick = { baseline: null, target: null };
  #importError: string | null = null;
  #importNotice: string | null = null;

  constructor(store: PanelStore) {
    this.store = store;
    store.keepOnScreen(() => this.#shownId() ?? undefined);
    // Which session is shown can change with the list (a new page load, an import evicted).
    store.subscribe('sessions', () => this.#events.changed('selection'));
  }

  subscribe(topic: ViewTopic, listener: () => void): () => void {
    return this.#events.subscribe(topic, listener);
  }

  version(topic: ViewTopic): number {
    return this.#events.version(topic);
  }

  get selected(): Session | undefined {
    const id = this.#shownId();
    return id === null ? undefined : this.store.find(id);
  }

  /** Shows a session. Picking anything but the newest page load pins it: new loads no longer take over. */
  select(id: string): void {
    if (this.store.find(id) === undefined) return;
    this.#chosen = id;
    this.#pinned = id !== this.store.newestPageLoad;
    this.#events.changed('selection');
  }

  /**
   * Picks an instance for the inspector. Named apart from `select`, which picks the shown session.
   * Selecting what the store does not remember clears the selection.
   */
  selectInstance(session: string, stream: string, serial: number): void {
    this.#instance = this.store.find(session)?.instance(stream, serial) === undefined ? null : { session, stream, serial };
    this.#events.changed('selection');
  }

  /** The picked instance while it is still remembered (instances are evicted, sessions forgotten). */
  selectedInstance(): SelectedInstance | undefined {
    if (this.#instance === null) return undefined;
    const { session, stream, serial } = this.#instance;
    const record = this.store.find(session)?.instance(stream, serial);
    return record === undefined ? undefined : { session, stream, serial, record };
  }

  /** Sets the Δ baseline of the shown session to its current counts. */
  mark(time = Date.now()): void {
    const shown = this.selected;
    if (shown !== undefined) this.store.mark(shown.id, time);
  }

  /** Losses of what is shown: the live connection's, or those the shown import's recording reveals. */
  get drops(): DropTotals {
    return this.store.dropsOf(this.selected);
  }

  /** Events of the live sessions, or of the shown import's sessions. */
  get totalEvents(): number {
    return this.store.eventsOf(this.selected);
  }

  /** A session (default: the shown one) as a recording of the messages kept for it, or null. */
  exportSession(id = this.#shownId(), now = Date.now()): ExportedRecording | null {
    return id === null ? null : this.store.exportSession(id, now);
  }

  /** The sessions the Compare view shows: the user's picks, or the previous session against the shown one. */
  get compared(): ComparedPair {
    return comparedPair(this.store.sessions, this.selected, this.#comparePick);
  }

  /** Picks the baseline, the target or both of the comparison (an id not listed falls back to the default). */
  pickCompared(pick: Partial<ComparePick>): void {
    this.#comparePick = { ...this.#comparePick, ...pick };
    this.#events.changed('compare');
  }

  /**
   * Loads a recording file's text into the store and shows its newest session, pinned (a page
   * load in the inspected tab must not take the view away from the import). Returns false, and
   * sets `importError`, when the file is no readable recording; then nothing changed.
   */
  importRecording(text: string, file: string): boolean {
    const imported = this.store.importRecording(text, file);
    this.#importNotice = null;
    if (imported.ok) {
      this.#importError = null;
      this.#importNotice = imported.notice;
      this.#chosen = imported.newest;
      this.#pinned = true;
      this.#events.changed('selection');
    } else {
      this.#importError = imported.error;
    }
    this.#events.changed('banners');
    return imported.ok;
  }

  /** Why the latest import failed; null after a successful one or dismiss. */
  get importError(): string | null {
    return this.#importError;
  }

  /** Shows why reading a file failed before it reached importRecording; null dismisses. */
  setImportError(message: string | null): void {
    this.#importError = message;
    this.#events.changed('banners');
  }

  /** What the latest import left out, though it succeeded; null when it took everything, or after dismiss. */
  get importNotice(): string | null {
    return this.#importNotice;
  }

  dismissImportNotice(): void {
    this.#importNotice = null;
    this.#events.changed('banners');
  }

  #shownId(): string | null {
    return this.#pinned ? this.#chosen : (this.store.newestPageLoad ?? this.#chosen ?? this.store.firstSession);
  }
}
