// Shell and shared styles first: each feature's stylesheet, imported by its view, overrides them.
import './panel.css';
import { useLayoutEffect, useState, type KeyboardEvent } from 'react';
import { countsOf, NO_TAB, type PanelStore } from '../store/panel-store.js';
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
import { useTopics } from './shared/use-topics.js';
import { rovingIndex } from './shared/roving-index.js';
import type { ViewState } from './shared/view-state.js';
import type { Theme } from './shared/theme.js';

const VIEWS = [
  { id: 'types', label: 'Types' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'leaks', label: 'Leak suspects' },
  { id: 'compare', label: 'Compare' },
] as const;
type Tab = (typeof VIEWS)[number]['id'];

/**
 * The panel (and the viewer): session picker and tools, views, status bar; recording files can be
 * dropped anywhere. Renders again only when the shown session changes: each part below
 * subscribes to what it reads.
 */
export function App({ view }: { view: ViewState }) {
  useTopics(view, ['selection']);
  const store = view.store;
  const theme = useTheme();
  const [capabilities, askAgain] = useCapabilities();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<TypeSort>(DEFAULT_SORT);
  const [tab, setTab] = useState<Tab>('types');
  const [selectedType, setSelectedType] = useState<string | null>(null);
  const [compare, setCompare] = useState(INITIAL_COMPARE_STATE);
  // A layout effect runs before the chart's effect, which reads the theme's colours.
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const session = view.selected;
  return (
    <div className="app" {...fileDropTarget(view)}>
      <header className="toolbar">
        {session !== undefined && (
          <>
            <SessionPicker view={view} />
            <input
              type="search"
              className="filter"
              placeholder="Filter types"
              aria-label="Filter types"
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
            />
            <MarkButton store={store} session={session} />
            {store.tabId !== NO_TAB && session.imported === null && <CollectGarbage tabId={store.tabId} debuggerPermission={capabilities?.debuggerPermission ?? true} />}
          </>
        )}
        <RecordingControls view={view} />
      </header>
      <ImportError view={view} />
      {store.tabId !== NO_TAB && capabilities?.allSites === false && <HostAccessBanner onGranted={askAgain} />}
      {session === undefined ? (
        <EmptyState viewer={store.tabId === NO_TAB} />
      ) : (
        <main className="content">
          <ViewTabs tab={tab} onTab={setTab} />
          {tab === 'types' ? (
            <div className="view" role="tabpanel" id="view-types" aria-labelledby="tab-types">
              <LiveChart store={store} session={session} theme={theme} />
              <div className="split">
                <TypeTable store={store} session={session} filter={filter} sort={sort} onSort={setSort} selectedType={selectedType} onSelectType={setSelectedType} />
                {selectedType !== null && <Details view={view} session={session} type={selectedType} theme={theme} />}
              </div>
            </div>
          ) : tab === 'timeline' ? (
            <div className="view split" role="tabpanel" id="view-timeline" aria-labelledby="tab-timeline">
              <Timeline view={view} session={session} filter={filter} theme={theme} />
              <aside className="details">
                <BundleInspector view={view} theme={theme} />
              </aside>
            </div>
          ) : tab === 'leaks' ? (
            <div className="view split" role="tabpanel" id="view-leaks" aria-labelledby="tab-leaks">
              <LeakSuspects view={view} session={session} />
              <aside className="details">
                <BundleInspector view={view} theme={theme} />
              </aside>
            </div>
          ) : (
            <div className="view" role="tabpanel" id="view-compare" aria-labelledby="tab-compare">
              <CompareView view={view} filter={filter} theme={theme} state={compare} onState={setCompare} />
            </div>
          )}
        </main>
      )}
      <StatusBar view={view} />
    </div>
  );
}

/** "Mark", and when the shown session was marked. */
function MarkButton({ store, session }: { store: PanelStore; session: Session }) {
  useTopics(store, [countsOf(session.id)]);
  return (
    <>
      <button type="button" onClick={() => store.mark(session.id)} title="Make the current live counts the baseline of the Δ column">
        Mark
      </button>
      {session.mark !== null && <span className="muted">Marked at {new Date(session.mark.time).toLocaleTimeString()}</span>}
    </>
  );
}

function Details({ view, session, type, theme }: { view: ViewState; session: Session; type: string; theme: Theme }) {
  return (
    <aside className="details">
      <InstanceList view={view} session={session} type={type} />
      <BundleInspector view={view} theme={theme} />
    </aside>
  );
}

/** WAI-ARIA tabs: arrow keys, Home and End move between tabs and show the one reached. */
function ViewTabs({ tab, onTab }: { tab: Tab; onTab: (tab: Tab) => void }) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const index = VIEWS.findIndex((entry) => entry.id === tab);
    const next = rovingIndex(event.key, index, VIEWS.length, 'horizontal');
    if (next === null) return;
    event.preventDefault();
    onTab(VIEWS[next]!.id);
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
          aria-selected={entry.id === tab}
          aria-controls={`view-${entry.id}`}
          tabIndex={entry.id === tab ? 0 : -1}
          onClick={() => onTab(entry.id)}
        >
          {entry.label}
        </button>
      ))}
    </div>
  );
}
