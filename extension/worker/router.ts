import browser from 'webextension-polyfill';
import type { WorkerAnnounce } from '../../agent/protocol/messages.js';
import { capabilities, isCapabilitiesQuery } from './capabilities.js';
import { History } from './history.js';
import { Persister } from './persist.js';
import { PortRouter } from './port-router.js';

// Service worker entry. MV3 only delivers events to listeners registered in the first run of
// the script, so they are all added here, synchronously; PortRouter holds events until the
// saved history is back.

const history = new History();
const persister = new Persister(browser.storage.session, history, (callback, delayMs) => setTimeout(callback, delayMs));
const announce: WorkerAnnounce = { kind: 'announce' };
// Every frame's content script of the tab gets it, even one whose port is closed (a quiet page).
// A tab without our content script (a browser page) has no receiver: nothing to ask.
const askTab = (tabId: number): void => void browser.tabs.sendMessage(tabId, announce).catch(() => undefined);
const router = new PortRouter(history, persister, browser.runtime.getURL(''), askTab);

browser.runtime.onConnect.addListener((port) => router.connect(port));
browser.tabs.onRemoved.addListener((tabId) => router.tabRemoved(tabId));
// Other messages get no answer (undefined), so other listeners may answer them.
browser.runtime.onMessage.addListener((message: unknown) => (isCapabilitiesQuery(message) ? capabilities(browser.permissions) : undefined));

void router.start(persister.load().then((saved) => history.restore(saved)));
