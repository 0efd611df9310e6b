import type { Session } from '../store/session.js';

export const NUMBER_COLUMNS = ['live', 'allocated', 'retired', 'peak', 'delta'] as const;
export type NumberColumn = (typeof NUMBER_COLUMNS)[number];
export type SortKey = 'type' | NumberColumn;

export interface Sort {
  key: SortKey;
  direction: 'ascending' | 'descending';
}

export interface TypeRow {
  type: string;
  live: number;
  allocated: number;
  retired: number;
  peak: number;
  delta: number;
}

export const DEFAULT_SORT: Sort = { key: 'live', direction: 'descending' };

/** Clicking a header: the same column flips; another column starts where it is most useful. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  return { key, direction: key === 'type' ? 'ascending' : 'descending' };
}

/** The table's rows: types whose name contains `filter` (any case), sorted, ties by name. */
export function typeRows(session: Session, filter: string, sort: Sort): TypeRow[] {
  const needle = filter.trim().toLowerCase();
  const rows: TypeRow[] = [];
  for (const stats of session.types.values()) {
    if (needle && !stats.type.toLowerCase().includes(needle)) continue;
    rows.push({ type: stats.type, live: stats.live, allocated: stats.allocated, retired: stats.retired, peak: stats.peak, delta: session.delta(stats) });
  }
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const byName = (a: TypeRow, b: TypeRow): number => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);
  const key = sort.key;
  rows.sort(key === 'type' ? (a, b) => sign * byName(a, b) : (a, b) => sign * (a[key] - b[key]) || byName(a, b));
  return rows;
}
