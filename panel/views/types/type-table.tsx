import { countsOf, type PanelStore } from '../../store/panel-store.js';
import type { Session } from '../../store/session.js';
import { useTopics } from '../shared/use-topics.js';
import { SortHeader } from '../shared/sort-header.js';
import { NUMBER_COLUMNS, typeRows, type SortKey, type TypeSort } from './type-rows.js';

const HEADERS: Record<SortKey, string> = {
  type: 'Type',
  live: 'Live',
  created: 'Created',
  retired: 'Retired',
  peak: 'Peak',
  delta: 'Δ since mark',
};

const HINTS: Record<SortKey, string> = {
  type: 'Class name as the page names it',
  live: 'Attached and neither detached nor destroyed',
  created: 'Attached in total',
  retired: 'Destroyed (garbage-collected) while attached',
  peak: 'Highest live count',
  delta: 'Change in live count since the mark (since the session started, without one)',
};

interface Props {
  store: PanelStore;
  session: Session;
  filter: string;
  sort: TypeSort;
  onSort: (sort: TypeSort) => void;
  /** The type whose instances are listed, if any. */
  selectedType: string | null;
  onSelectType: (type: string) => void;
}

/**
 * Instances per type. Test contract: each body row is `<tr data-type="{type}">`, each number
 * cell has `data-col` and the plain integer as its text (the + of a positive Δ is CSS).
 * Clicking a row lists its instances; the type name is a button so the keyboard (Enter) can too.
 */
export function TypeTable({ store, session, filter, sort, onSort, selectedType, onSelectType }: Props) {
  useTopics(store, [countsOf(session.id)]);
  const rows = typeRows(session, filter, sort);
  const header = (key: SortKey) => (
    <SortHeader key={key} column={key} sort={sort} onSort={onSort} className={key === 'type' ? 'name' : 'number'} title={HINTS[key]}>
      {HEADERS[key]}
    </SortHeader>
  );
  return (
    <div className="table-scroll">
      <table aria-label="Instances by type" className="types">
        <thead>
          <tr>
            {header('type')}
            {NUMBER_COLUMNS.map(header)}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.type} data-type={row.type} className={row.type === selectedType ? 'selected' : undefined} onClick={() => onSelectType(row.type)}>
              <th scope="row" className="name">
                <button type="button" className="type-button" aria-pressed={row.type === selectedType} title="Show the live instances of this type">
                  {row.type}
                </button>
              </th>
              {NUMBER_COLUMNS.map((column) => (
                <td key={column} data-col={column} className={column === 'delta' ? deltaClass(row.delta) : 'number'}>
                  {row[column]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && (
        <p className="muted table-note">{session.types.size === 0 ? 'No instances reported in this session yet.' : `No type matches “${filter}”.`}</p>
      )}
    </div>
  );
}

function deltaClass(delta: number): string {
  return delta > 0 ? 'number up' : delta < 0 ? 'number down' : 'number';
}
