// Shell and shared styles first: each feature's stylesheet, imported by its view, overrides them.
import './panel.css';
import { useLayoutEffect, useState, type KeyboardEvent } from 'react';
import { NO_TAB, type PanelStore } from '../store/panel-store.js';
import type { Session } from '../store/session.js';
import { BundleInspector } from './inspector/bundle-inspector.js';
import { CollectGarbage } from './shared/collect-garbage.js';
import { CompareView, INITIAL_COMPARE_STATE } from './compare/compare-view.js';
import { EmptyState } from './shared/empty-state.js';
import { HostAccessBanner } from './shared/host-access.js';
import { useCapabilities } from '../capabilities.js';
import { InstanceList } from './inspector/instance-list.js';
import { LeakSuspects } from './leaks/leak-suspects.js';
import { LiveChart } from './types/live-chart.js';
import { fileDropTarget, ImportError, RecordingControls } from './recordings/recording-controls.js';
import { SessionPicker } from './shared/session-picker.js';
import { StatusBar } from './shared/status-bar.js';
import { useTheme } from './shared/theme.js';
import { Timeline } from './timeline/timeline.js';
import { DEFAULT_SORT, type TypeSort } from './types/type-rows.js';
import { TypeTable } from './types/type-table.js';
import { useStore } from './shared/use-store.js';
import type { Theme } from './shared/theme.js';

const VIEWS = [
  { id: 'types', label: 'Types' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'leaks', label: 'Leak suspects' },
  { id: 'compare', label: 'Compare' },
] as const;
type View = (typeof VIEWS)[number]['id'];

/** The panel (and the viewer): session picker and tools, views, status bar; recording files can be dropped anywhere. */
export function App({ store }: { store: PanelStore }) {
  useStore(store);
  const theme = useTheme();
  const [capabilities, askAgain] = useCapabilities();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<TypeSort>(DEFAULT_SORT);
  const [view, setView] = useState<View>('types');
  const [selectedType, setSelectedType] = useState<string | null>(null);
  const [compare, setCompare] = useState(INITIAL_COMPARE_STATE);
  // A layout effect runs before the chart's effect, which reads the theme's colours.
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const session = store.selected;
  return (
    <div className="app" {...fileDropTarget(store)}>
      <header className="toolbar">
        {session !== undefined && (
          <>
            <SessionPicker store={store} />
            <input
              type="search"
              className="filter"
              placeholder="Filter types"
              aria-label="Filter types"
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
            />
            <button type="button" onClick={() => store.mark()} title="Make the current live counts the baseline of the Δ column">
              Mark
            </button>
            {session.mark !== null && <span className="muted">Marked at {new Date(session.mark.time).toLocaleTimeString()}</span>}
            {store.tabId !== NO_TAB && session.imported === null && <CollectGarbage tabId={store.tabId} debuggerPermission={capabilities?.debuggerPermission ?? true} />}
          </>
        )}
        <RecordingControls store={store} />
      </header>
      <ImportError store={store} />
      {store.tabId !== NO_TAB && capabilities?.allSites === false && <HostAccessBanner onGranted={askAgain} />}
      {session === undefined ? (
        <EmptyState viewer={store.connection === 'offline'} />
      ) : (
        <main className="content">
          <ViewTabs view={view} onView={setView} />
          {view === 'types' ? (
            <div className="view" role="tabpanel" id="view-types" aria-labelledby="tab-types">
              <LiveChart store={store} session={session} theme={theme} />
              <div className="split">
                <TypeTable session={session} filter={filter} sort={sort} onSort={setSort} selectedType={selectedType} onSelectType={setSelectedType} />
                {selectedType !== null && <Details store={store} session={session} type={selectedType} theme={theme} />}
              </div>
            </div>
          ) : view === 'timeline' ? (
            <div className="view split" role="tabpanel" id="view-timeline" aria-labelledby="tab-timeline">
              <Timeline store={store} session={session} filter={filter} theme={theme} />
              <aside className="details">
                <BundleInspector store={store} theme={theme} />
              </aside>
            </div>
          ) : view === 'leaks' ? (
            <div className="view split" role="tabpanel" id="view-leaks" aria-labelledby="tab-leaks">
              <LeakSuspects store={store} session={session} />
              <aside className="details">
                <BundleInspector store={store} theme={theme} />
              </aside>
            </div>
          ) : (
            <div className="view" role="tabpanel" id="view-compare" aria-labelledby="tab-compare">
              <CompareView store={store} filter={filter} theme={theme} state={compare} onState={setCompare} />
            </div>
          )}
        </main>
      )}
      <StatusBar store={store} />
    </div>
  );
}

function Details({ store, session, type, theme }: { store: PanelStore; session: Session; type: string; theme: Theme }) {
  return (
    <aside className="details">
      <InstanceList store={store} session={session} type={type} />
      <BundleInspector store={store} theme={theme} />
    </aside>
  );
}

/** WAI-ARIA tabs: arrow keys, Home and End move between tabs and show the one reached. */
function ViewTabs({ view, onView }: { view: View; onView: (view: View) => void }) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const index = VIEWS.findIndex((entry) => entry.id === view);
    const next =
      event.key === 'ArrowRight' ? (index + 1) % VIEWS.length
      : event.key === 'ArrowLeft' ? (index - 1 + VIEWS.length) % VIEWS.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? VIEWS.length - 1
      : null;
    if (next === null) return;
    event.preventDefault();
    onView(VIEWS[next]!.id);
    document.getElementById(`tab-${VIEWS[next]!.id}`)?.focus();
  };
  return (
    <div className="view-tabs" role="tablist" aria-label="Views" onKeyDown={onKeyDown}>
      {VIEWS.map((entry) => (
        <button
          key={entry.id}
          type="button"
          role="tab"
          id={`tab-${entry.id}`}
          aria-selected={entry.id === view}
          aria-controls={`view-${entry.id}`}
          tabIndex={entry.id === view ? 0 : -1}
          onClick={() => onView(entry.id)}
        >
          {entry.label}
        </button>
      ))}
    </div>
  );
}
