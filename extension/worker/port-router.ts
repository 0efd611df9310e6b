import { PAGE_PORT, PANEL_PORT, type Origin, type WorkerToPage, type WorkerToPanel } from '../../agent/protocol/messages.js';
import { checkPageToWorker, checkPanelToWorker } from '../../agent/protocol/validate.js';
import { unfoldMessage } from '../ops-runs.js';
import type { PortLike } from '../port.js';
import type { History } from './history.js';
import type { WriteObserver } from './persist.js';

/** A content script's port: how many of its messages were handled, taken into a write, acknowledged. */
interface PagePort {
  handled: number;
  writing: number;
  acked: number;
}

/**
 * The worker's job: take messages from content-script ports, keep them in the History, and pass
 * them on to the panels subscribed to their tab.
 *
 * Page ports get their tab and frame from the port's sender, never from the page. Panel ports
 * must come from this extension's own pages; a panel sends a PanelSubscribe (on every connect)
 * and gets the tab's history, then live relays. Until the saved history is restored everything
 * waits, so a restarted worker answers with what it had before it stopped.
 *
 * Each page port is told how many of its messages are stored (WorkerAck) once a write has them;
 * the content script sends the rest again on its next port. A batch the history already has
 * (sent again) is acknowledged but goes to no panel: they had it.
 */
export class PortRouter {
  /** Panel ports and the tab each subscribed to (null until its PanelSubscribe). */
  private readonly panels = new Map<PortLike, number | null>();
  private readonly pages = new Map<PortLike, PagePort>();
  private waiting: (() => void)[] | null = [];

  constructor(
    private readonly history: History,
    private readonly persister: { schedule(): void; observe(observer: WriteObserver): void },
    /** `chrome-extension://<id>/`: only pages under it may connect as panels. */
    private readonly extensionOrigin: string,
    /** Asks the agents of a tab for their totals (a WorkerAnnounce to its content scripts); never throws. */
    private readonly announce: (tabId: number) => void = () => undefined,
  ) {
    persister.observe({
      taking: () => {
        for (const page of this.pages.values()) page.writing = page.handled;
      },
      stored: () => {
        for (const [port, page] of this.pages) if (page.writing > page.acked) this.acknowledge(port, page);
      },
    });
  }

  /**
   * Starts handling events once `restored` settles (restored or not, the worker must go on);
   * resolves when the events that waited are handled.
   */
  start(restored: Promise<void>): Promise<void> {
    return restored
      .catch((error: unknown) => console.warn('Trackables: could not restore history', error))
      .then(() => {
        const waiting = this.waiting ?? [];
        this.waiting = null;
        for (const run of waiting) run();
      });
  }

  connect(port: PortLike): void {
    if (port.name === PAGE_PORT) this.connectPage(port);
    else if (port.name === PANEL_PORT) this.connectPanel(port);
    else port.disconnect();
  }

  tabRemoved(tabId: number): void {
    this.whenReady(() => {
      this.history.remove(tabId);
      this.persister.schedule();
      this.toPanels(tabId, { kind: 'tab', tabId, event: 'closed' });
    });
  }

  private connectPage(port: PortLike): void {
    const tabId = port.sender?.tab?.id;
    const frameId = port.sender?.frameId;
    if (!Number.isInteger(tabId) || !Number.isInteger(frameId)) {
      port.disconnect();
      return;
    }
    const origin: Origin = { tabId: tabId!, frameId: frameId! };
    const page: PagePort = { handled: 0, writing: 0, acked: 0 };
    this.pages.set(port, page);
    port.onDisconnect.addListener(() => this.pages.delete(port));
    port.onMessage.addListener((data) =>
      this.whenReady(() => {
        this.fromPage(origin, data);
        // Counted whatever it was: the content script counts every message it sent.
        page.handled += 1;
        this.persister.schedule();
      }),
    );
  }

  private fromPage(origin: Origin, data: unknown): void {
    // The content script folds runs of a batch's ops for its port (ops-runs.ts): the check and
    // everything after it see the agent's batch.
    const checked = checkPageToWorker(unfoldMessage(data));
    if (!checked.ok) {
      this.history.countInvalid(origin.tabId);
      return;
    }
    const message = checked.message;
    if (message.kind === 'relay-dropped') {
      this.history.addRelayDrops(origin.tabId, message);
    } else if (message.kind === 'hello') {
      const added = this.history.addHello(origin, message);
      // Panels already have it: live relays show what a replay would.
      if (added === 'repeated') return;
      if (added === 'navigated') this.toPanels(origin.tabId, { kind: 'tab', tabId: origin.tabId, event: 'navigated', url: message.url });
    } else if (message.kind === 'totals') {
      this.history.addTotals(origin, message);
    } else if (!this.history.addBatch(origin, message)) {
      return;
    }
    this.toPanels(origin.tabId, { kind: 'relay', origin, message });
  }

  private acknowledge(port: PortLike, page: PagePort): void {
    const ack: WorkerToPage = { kind: 'ack', count: page.writing };
    try {
      port.postMessage(ack);
      page.acked = page.writing;
    } catch {
      // Its onDisconnect is on the way; the content script sends the unacknowledged again.
      this.pages.delete(port);
    }
  }

  private connectPanel(port: PortLike): void {
    if (!port.sender?.url?.startsWith(this.extensionOrigin)) {
      port.disconnect();
      return;
    }
    this.panels.set(port, null);
    port.onDisconnect.addListener(() => this.panels.delete(port));
    port.onMessage.addListener((data) => this.whenReady(() => this.fromPanel(port, data)));
  }

  private fromPanel(port: PortLike, data: unknown): void {
    const checked = checkPanelToWorker(data);
    if (!checked.ok || !this.panels.has(port)) return;
    const message = checked.message;
    if (message.kind === 'announce') {
      // Only for the tab it subscribed to: a panel cannot make other tabs' pages do anything.
      const tabId = this.panels.get(port);
      if (tabId !== null && tabId !== undefined) this.announce(tabId);
      return;
    }
    this.panels.set(port, message.tabId);
    this.post(port, this.history.replay(message.tabId, message.have));
  }

  private toPanels(tabId: number, message: WorkerToPanel): void {
    for (const [port, subscribed] of this.panels) if (subscribed === tabId) this.post(port, message);
  }

  private post(port: PortLike, message: WorkerToPanel): void {
    try {
      port.postMessage(message);
    } catch {
      // Its onDisconnect is on the way; stop sending meanwhile.
      this.panels.delete(port);
    }
  }

  private whenReady(run: () => void): void {
    if (this.waiting) this.waiting.push(run);
    else run();
  }
}
