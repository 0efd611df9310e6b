import browser from 'webextension-polyfill';
import { ANNOUNCE_EVENT, PAGE_PORT } from '../../agent/protocol/messages.js';
import { checkWorkerAnnounce } from '../../agent/protocol/validate.js';
import { PageRelay } from './page-relay.js';

// Content script entry: wires PageRelay to this frame's window and the extension runtime.

// postMessage rejects "null" as a target: opaque origins (file:, sandboxed frames) need '*'.
// The target is this same window either way.
const targetOrigin = location.origin === 'null' ? '*' : location.origin;

const onMessage = (event: MessageEvent): void => relay.onWindowMessage(event.source, event.data);

const relay = new PageRelay({
  self: window,
  postToPage: (ready) => window.postMessage(ready, targetOrigin),
  connect: () => browser.runtime.connect({ name: PAGE_PORT }),
  detach: () => window.removeEventListener('message', onMessage),
  schedule: (callback, delayMs) => void setTimeout(callback, delayMs),
});

window.addEventListener('message', onMessage);
relay.start();

// The worker passes on a panel's ask for totals: the agents in this frame hear it as a DOM event,
// which crosses from this isolated world to the page's.
browser.runtime.onMessage.addListener((message: unknown) => {
  if (checkWorkerAnnounce(message).ok) window.dispatchEvent(new Event(ANNOUNCE_EVENT));
  return undefined;
});
