import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Session } from '../../store/session.js';
import { matchesFilter } from '../shared/type-filter.js';
import { nextSort, sortRows } from '../shared/sort.js';
import { DEFAULT_SORT, typeRows } from './type-rows.js';

function session(live: Record<string, number>): Session {
  const s = new Session('s', 0);
  for (const [type, count] of Object.entries(live)) s.types.set(type, { type, live: count, created: count + 1, retired: 1, peak: count + 2 });
  return s;
}

test('sorted by live, most first, ties by name; filtered by name in any case', () => {
  const s = session({ Widget: 2, Gadget: 5, widgetFactory: 2, Other: 0 });
  assert.deepEqual(
    typeRows(s, '', DEFAULT_SORT).map((r) => r.type),
    ['Gadget', 'Widget', 'widgetFactory', 'Other'],
  );
  assert.deepEqual(
    typeRows(s, ' WIDGET ', { key: 'type', direction: 'descending' }).map((r) => r.type),
    ['widgetFactory', 'Widget'],
  );
});

test('rows carry every column, delta against the mark', () => {
  const s = session({ A: 3 });
  s.setMark(1);
  s.types.get('A')!.live = 5;
  assert.deepEqual(typeRows(s, '', DEFAULT_SORT), [{ type: 'A', live: 5, created: 4, retired: 1, peak: 5, delta: 2 }]);
});

test('clicking a header flips its direction; a new column starts at its useful end', () => {
  assert.deepEqual(nextSort(DEFAULT_SORT, 'live'), { key: 'live', direction: 'ascending' });
  assert.deepEqual(nextSort(DEFAULT_SORT, 'type'), { key: 'type', direction: 'ascending' });
  assert.deepEqual(nextSort({ key: 'type', direction: 'ascending' }, 'retired'), { key: 'retired', direction: 'descending' });
});

test('sortRows and matchesFilter serve other tables: the comparison sorts by any of its columns', () => {
  const rows = [
    { type: 'B', deltaLive: 2, targetLive: 0 },
    { type: 'A', deltaLive: 2, targetLive: 7 },
    { type: 'C', deltaLive: -1, targetLive: 3 },
  ];
  assert.deepEqual(sortRows([...rows], { key: 'deltaLive', direction: 'descending' }).map((r) => r.type), ['A', 'B', 'C']);
  assert.deepEqual(sortRows([...rows], { key: 'targetLive', direction: 'ascending' }).map((r) => r.type), ['B', 'C', 'A']);
  assert.deepEqual(nextSort<'type' | 'deltaLive'>({ key: 'type', direction: 'ascending' }, 'deltaLive'), { key: 'deltaLive', direction: 'descending' });
  assert.deepEqual(rows.filter((r) => matchesFilter(r.type, ' b ')).map((r) => r.type), ['B']);
});
