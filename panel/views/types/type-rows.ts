import type { Session } from '../../store/session.js';
import { matchesFilter } from '../shared/type-filter.js';
import { sortRows, type Sort } from '../shared/sort.js';

export const NUMBER_COLUMNS = ['live', 'created', 'retired', 'peak', 'delta'] as const;
export type NumberColumn = (typeof NUMBER_COLUMNS)[number];
export type SortKey = 'type' | NumberColumn;

/** The type table's sort. */
export type TypeSort = Sort<SortKey>;

export interface TypeRow {
  type: string;
  live: number;
  created: number;
  retired: number;
  peak: number;
  delta: number;
}

export const DEFAULT_SORT: TypeSort = { key: 'live', direction: 'descending' };

/** The table's rows: types whose name contains `filter` (any case), sorted, ties by name. */
export function typeRows(session: Session, filter: string, sort: TypeSort): TypeRow[] {
  const rows: TypeRow[] = [];
  for (const stats of session.types.values()) {
    if (!matchesFilter(stats.type, filter)) continue;
    rows.push({ type: stats.type, live: stats.live, created: stats.created, retired: stats.retired, peak: stats.peak, delta: session.delta(stats) });
  }
  return sortRows(rows, sort);
}
