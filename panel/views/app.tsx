import { useLayoutEffect, useState } from 'react';
import type { PanelStore } from '../store/panel-store.js';
import { EmptyState } from './empty-state.js';
import { LiveChart } from './live-chart.js';
import { fileDropTarget, ImportError, RecordingControls } from './recording-controls.js';
import { SessionPicker } from './session-picker.js';
import { StatusBar } from './status-bar.js';
import { useTheme } from './theme.js';
import { DEFAULT_SORT, type Sort } from './type-rows.js';
import { TypeTable } from './type-table.js';
import { useStore } from './use-store.js';
import './panel.css';

/** The panel (and the viewer): session picker and tools, chart, table, status bar; recording files can be dropped anywhere. */
export function App({ store }: { store: PanelStore }) {
  useStore(store);
  const theme = useTheme();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT);
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
          </>
        )}
        <RecordingControls store={store} />
      </header>
      <ImportError store={store} />
      {session === undefined ? (
        <EmptyState viewer={store.connection === 'offline'} />
      ) : (
        <main className="content">
          <LiveChart store={store} session={session} theme={theme} />
          <TypeTable session={session} filter={filter} sort={sort} onSort={setSort} />
        </main>
      )}
      <StatusBar store={store} />
    </div>
  );
}
