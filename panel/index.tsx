import { createRoot } from 'react-dom/client';
import { PANEL_PORT } from '../agent/protocol/messages.js';
import { keepConnected, type PanelPort } from './connection.js';
import { nextAnimationFrame } from './store/change-events.js';
import { PanelStore } from './store/panel-store.js';
import { panelTabId } from './tab-id.js';
import { App } from './views/app.js';
import { ViewState } from './views/shared/view-state.js';
import { ErrorBoundary } from './views/shared/error-boundary.js';

function connect(): PanelPort {
  const port = chrome.runtime.connect({ name: PANEL_PORT });
  // Reading lastError marks it handled: a worker stopped by Chrome is routine, not an error.
  port.onDisconnect.addListener(() => void chrome.runtime.lastError);
  return port;
}

const root = createRoot(document.getElementById('root')!);
const tabId = panelTabId(location.search, chrome.devtools?.inspectedWindow?.tabId);
if (tabId === null) {
  root.render(
    <p className="empty">
      This panel shows one tab: open it from DevTools (the Trackables tab), or as <code>panel.html?tabId=N</code>.
    </p>,
  );
} else {
  const store = new PanelStore(tabId, nextAnimationFrame);
  const view = new ViewState(store);
  keepConnected(store, connect);
  root.render(
    <ErrorBoundary>
      <App view={view} />
    </ErrorBoundary>,
  );
}
