// The standalone recording viewer: the panel's views over a store with no tab and no connection,
// fed only by imported recordings. Runs as an extension page (viewer.html) and from any web server
// (scripts/viewer.ts); `?src=<url>` opens that recording at start.
import { createRoot } from 'react-dom/client';
import { nextAnimationFrame } from './store/change-events.js';
import { NO_TAB, PanelStore } from './store/panel-store.js';
import { App } from './views/app.js';
import { ViewState } from './views/shared/view-state.js';
import { ErrorBoundary } from './views/shared/error-boundary.js';

const view = new ViewState(new PanelStore(NO_TAB, nextAnimationFrame));
createRoot(document.getElementById('root')!).render(
  <ErrorBoundary>
    <App view={view} />
  </ErrorBoundary>,
);

const src = new URLSearchParams(location.search).get('src');
if (src !== null) void open(src);

async function open(src: string): Promise<void> {
  const name = new URL(src, location.href).pathname.split('/').pop() || src;
  try {
    const response = await fetch(src);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    view.importRecording(await response.text(), name);
  } catch (error) {
    view.setImportError(`Could not fetch ${src}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
