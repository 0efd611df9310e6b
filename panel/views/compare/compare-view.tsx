import { COMPARE_COLUMNS, compareSessions, type CompareColumn, type CompareRow } from '../../store/compare.js';
import { countsOf } from '../../store/panel-store.js';
import type { Session } from '../../store/session.js';
import { CompareChart } from './compare-chart.js';
import { describeSession } from '../shared/session-picker.js';
import type { Theme } from '../shared/theme.js';
import { SortHeader } from '../shared/sort-header.js';
import { sortRows, type Sort } from '../shared/sort.js';
import { matchesFilter } from '../shared/type-filter.js';
import { useTopics } from '../shared/use-topics.js';
import type { ViewState } from '../shared/view-state.js';
import './compare.css';

type CompareKey = 'type' | CompareColumn;

/** What the view was sorted by and which type it charts: kept by the App, so switching tabs keeps it. */
export interface CompareState {
  sort: Sort<CompareKey>;
  selectedType: string | null;
}

export const INITIAL_COMPARE_STATE: CompareState = { sort: { key: 'deltaLive', direction: 'descending' }, selectedType: null };

/** Column groups of the first header row, each over two columns of the second. */
const GROUPS = [
  { label: 'Δ target − baseline', hint: 'Target minus baseline' },
  { label: 'Live', hint: 'Attached and neither detached nor destroyed' },
  { label: 'Created', hint: 'Attached in total' },
  { label: 'Retired', hint: 'Destroyed (garbage-collected) while attached' },
  { label: 'Peak', hint: 'Highest live count' },
];

/** Visible header text, and the full name read by assistive technology and shown as a tooltip. */
const HEADERS: Record<CompareColumn, [text: string, name: string]> = {
  deltaLive: ['Live', 'Δ live'],
  deltaCreated: ['Created', 'Δ created'],
  baselineLive: ['Baseline', 'Live in baseline'],
  targetLive: ['Target', 'Live in target'],
  baselineCreated: ['Baseline', 'Created in baseline'],
  targetCreated: ['Target', 'Created in target'],
  baselineRetired: ['Baseline', 'Retired in baseline'],
  targetRetired: ['Target', 'Retired in target'],
  baselinePeak: ['Baseline', 'Peak in baseline'],
  targetPeak: ['Target', 'Peak in target'],
};

interface Props {
  view: ViewState;
  filter: string;
  theme: Theme;
  state: CompareState;
  onState: (state: CompareState) => void;
}

/**
 * Two listed sessions side by side per type, like the Comparison view of heap snapshots. Test
 * contract: `table[aria-label="Comparison by type"]` has one `tr[data-type]` per type, with
 * `data-only="baseline|target"` when the type is in one session only; each number cell has
 * `data-col` (a CompareColumn) and the plain integer as its text, or "—" for a side the type is
 * not in (the + of a positive Δ is CSS).
 */
export function CompareView({ view, filter, theme, state, onState }: Props) {
  useTopics(view, ['selection', 'compare']);
  const store = view.store;
  const { sort, selectedType } = state;
  const setSort = (next: Sort<CompareKey>) => onState({ ...state, sort: next });
  const setSelectedType = (type: string) => onState({ ...state, selectedType: type });
  const { baseline, target } = view.compared;
  useTopics(store, [baseline, target].flatMap((session) => (session === undefined ? [] : [countsOf(session.id)])));
  if (baseline === undefined || target === undefined) {
    return (
      <p className="muted table-note" data-testid="compare-note">
        Compare needs two sessions: reload the inspected page to start another, or import a recording.
      </p>
    );
  }
  const all = compareSessions(baseline, target);
  const rows = sortRows(
    all.filter((row) => matchesFilter(row.type, filter)),
    sort,
  );
  const header = (key: CompareKey, text: string, name: string, className: string) => (
    <SortHeader key={key} column={key} sort={sort} onSort={setSort} className={className} title={name} label={name} rowSpan={key === 'type' ? 2 : undefined}>
      {text}
    </SortHeader>
  );
  return (
    <div className="compare">
      <ComparePickers view={view} baseline={baseline} target={target} />
      <div className="table-scroll">
        <table aria-label="Comparison by type" className="types compare-table">
          <colgroup>
            <col />
          </colgroup>
          {GROUPS.map((group) => (
            <colgroup key={group.label} span={2} />
          ))}
          <thead>
            <tr>
              {header('type', 'Type', 'Type', 'name')}
              {GROUPS.map((group) => (
                <th key={group.label} scope="colgroup" colSpan={2} className="group" title={group.hint}>
                  {group.label}
                </th>
              ))}
            </tr>
            <tr>{COMPARE_COLUMNS.map((column) => header(column, HEADERS[column][0], HEADERS[column][1], 'number'))}</tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.type}
                data-type={row.type}
                data-only={row.only ?? undefined}
                className={row.type === selectedType ? 'selected' : undefined}
                onClick={() => setSelectedType(row.type)}
              >
                <th scope="row" className="name">
                  <button type="button" className="type-button" aria-pressed={row.type === selectedType} title="Chart the live count of this type in both sessions">
                    {row.type}
                  </button>
                  {row.only !== null && (
                    <span className="only-tag" title={`This type was not reported in the ${row.only === 'target' ? 'baseline' : 'target'} session`}>
                      only in {row.only}
                    </span>
                  )}
                </th>
                {COMPARE_COLUMNS.map((column) => (
                  <td key={column} data-col={column} className={cellClass(row, column)}>
                    {absent(row, column) ? '—' : row[column]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && (
          <p className="muted table-note">{all.length === 0 ? 'Neither session reported instances.' : `No type matches “${filter}”.`}</p>
        )}
      </div>
      {selectedType !== null && <CompareChart store={store} baseline={baseline} target={target} type={selectedType} theme={theme} />}
    </div>
  );
}

function ComparePickers({ view, baseline, target }: { view: ViewState; baseline: Session; target: Session }) {
  const sessions = view.store.sessions;
  // Both sides are picked at once: the side not changed stays as shown rather than following the default.
  const pick = (side: 'baseline' | 'target', id: string): void => view.pickCompared({ baseline: baseline.id, target: target.id, [side]: id });
  const picker = (side: 'baseline' | 'target', session: Session) => (
    <label className="session-picker">
      {side === 'baseline' ? 'Baseline' : 'Target'}
      <select data-testid={`compare-${side}`} value={session.id} onChange={(event) => pick(side, event.target.value)}>
        {sessions.map((listed) => (
          <option key={listed.id} value={listed.id}>
            {describeSession(listed)}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="compare-pickers">
      {picker('baseline', baseline)}
      <button type="button" onClick={() => view.pickCompared({ baseline: target.id, target: baseline.id })} aria-label="Swap baseline and target" title="Swap baseline and target">
        Swap
      </button>
      {picker('target', target)}
    </div>
  );
}

/** A side the type was never reported in: its counts are not zeros, they are unknown there. */
function absent(row: CompareRow, column: CompareColumn): boolean {
  return (row.only === 'target' && column.startsWith('baseline')) || (row.only === 'baseline' && column.startsWith('target'));
}

function cellClass(row: CompareRow, column: CompareColumn): string {
  if (column === 'deltaLive' || column === 'deltaCreated') return row[column] > 0 ? 'number up' : row[column] < 0 ? 'number down' : 'number';
  return absent(row, column) ? 'number absent' : 'number';
}
