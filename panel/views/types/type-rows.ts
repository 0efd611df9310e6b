import type { Session } from '../../store/session.js';

export const NUMBER_COLUMNS = ['live', 'created', 'retired', 'peak', 'delta'] as const;
export type NumberColumn = (typeof NUMBER_COLUMNS)[number];
export type SortKey = 'type' | NumberColumn;

/** A table's sort: a column key (`type` is the name column) and its direction. */
export interface Sort<K extends string = SortKey> {
  key: K;
  direction: 'ascending' | 'descending';
}

export interface TypeRow {
  type: string;
  live: number;
  created: number;
  retired: number;
  peak: number;
  delta: number;
}

export const DEFAULT_SORT: Sort = { key: 'live', direction: 'descending' };

/** Clicking a header: the same column flips; another column starts where it is most useful. */
export function nextSort<K extends string>(current: Sort<K>, key: K): Sort<K> {
  if (current.key === key) return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  return { key, direction: key === 'type' ? 'ascending' : 'descending' };
}

/** The table's rows: types whose name contains `filter` (any case), sorted, ties by name. */
export function typeRows(session: Session, filter: string, sort: Sort): TypeRow[] {
  const rows: TypeRow[] = [];
  for (const stats of session.types.values()) {
    if (!matchesFilter(stats.type, filter)) continue;
    rows.push({ type: stats.type, live: stats.live, created: stats.created, retired: stats.retired, peak: stats.peak, delta: session.delta(stats) });
  }
  return sortRows(rows, sort);
}

/** Whether a type name contains the toolbar's filter, in any case, ignoring surrounding blanks. */
export function matchesFilter(type: string, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  return needle === '' || type.toLowerCase().includes(needle);
}

/** Sorts rows in place by a number column or by name; ties by name. */
export function sortRows<K extends string, R extends { type: string } & Record<K, number>>(rows: R[], sort: Sort<K | 'type'>): R[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const byName = (a: R, b: R): number => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);
  const key = sort.key;
  return rows.sort(key === 'type' ? (a, b) => sign * byName(a, b) : (a, b) => sign * (a[key as K] - b[key as K]) || byName(a, b));
}
