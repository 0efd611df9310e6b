import browser from 'webextension-polyfill';
import { PAGE_PORT } from '../../agent/protocol/messages.js';
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
