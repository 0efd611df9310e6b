/** A table's sort: a column key (`type` is the name column) and its direction. */
export interface Sort<K extends string> {
  key: K;
  direction: 'ascending' | 'descending';
}

/** Clicking a header: the same column flips; another column starts where it is most useful. */
export function nextSort<K extends string>(current: Sort<K>, key: K): Sort<K> {
  if (current.key === key) return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  return { key, direction: key === 'type' ? 'ascending' : 'descending' };
}

/** Sorts rows in place by a number column or by name; ties by name. */
export function sortRows<K extends string, R extends { type: string } & Record<K, number>>(rows: R[], sort: Sort<K | 'type'>): R[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const byName = (a: R, b: R): number => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);
  const key = sort.key;
  return rows.sort(key === 'type' ? (a, b) => sign * byName(a, b) : (a, b) => sign * (a[key as K] - b[key as K]) || byName(a, b));
}
