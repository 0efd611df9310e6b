/*
 * The demo's library part: objects whose classes cannot extend Trackable, tracked the other ways.
 * A MobX 6 store (makeAutoObservable refuses subclasses) calls track(this); a Lit 3 element uses
 * the @trackable() decorator. Each has a leak switch: a reaction on the long-lived settings that
 * is never disposed, a window listener that is never removed.
 */
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { makeAutoObservable, observable, reaction } from 'mobx';
import { setDataBundle, track, trackable } from '../../agent/index.js';

/** App-wide settings: live as long as the page, so whatever reacts to them without disposing stays. */
const settings = observable({ theme: 'light' });

class ReportStore {
  rows: number[] = [];
  theme = settings.theme;
  readonly #stop: () => void;

  constructor(readonly leak: boolean) {
    makeAutoObservable(this);
    // Named: the production bundle renames the class.
    track(this, { type: 'ReportStore' });
    setDataBundle(this, { leak });
    this.#stop = reaction(
      () => settings.theme,
      (theme) => this.setTheme(theme),
    );
  }

  setTheme(theme: string): void {
    this.theme = theme;
  }

  addRows(count: number): void {
    for (let i = 0; i < count; i++) this.rows.push(i);
  }

  get total(): number {
    return this.rows.length;
  }

  close(): void {
    if (!this.leak) this.#stop();
  }
}

@customElement('status-badge')
@trackable()
export class StatusBadge extends LitElement {
  @property() accessor label = '';
  leak = false;
  readonly #onResize = () => this.requestUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('resize', this.#onResize);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (!this.leak) window.removeEventListener('resize', this.#onResize);
  }

  override render() {
    return html`<span>Status: ${this.label} (${window.innerWidth}px)</span>`;
  }
}

/** Opens a report (a MobX store) and a badge (a Lit element) in `element`, and closes them. */
export function mountLibraryPart(element: HTMLElement): void {
  let store: ReportStore | null = null;
  const leaks = { store: new URLSearchParams(location.search).has('mobx-leak'), badge: new URLSearchParams(location.search).has('lit-leak') };
  const open = (): void => {
    store = new ReportStore(leaks.store);
    store.addRows(10);
    const badge = document.createElement('status-badge') as StatusBadge;
    badge.leak = leaks.badge;
    badge.label = `report of ${store.total} rows`;
    element.replaceChildren(badge);
  };
  const close = (): void => {
    store?.close();
    store = null;
    element.replaceChildren();
  };
  Object.assign(window, {
    libraryDemo: {
      open,
      close,
      setLeaks: (next: { store?: boolean; badge?: boolean }) => Object.assign(leaks, next),
      setTheme: (theme: string) => (settings.theme = theme),
    },
  });
}
