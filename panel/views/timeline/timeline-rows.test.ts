import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lifelines } from '../../store/lifelines.js';
import { lineAt, timelineRows } from './timeline-rows.js';

test('lines: a header per type, then its instances unless collapsed; filtered by name', () => {
  const lifelines = new Lifelines();
  const f = lifelines.streamIndex('f');
  const [w, s] = [lifelines.typeIndex('Widget'), lifelines.typeIndex('Store')];
  lifelines.typeIndex('Empty');
  for (let serial = 1; serial <= 5; serial++) lifelines.attached(f, serial, serial <= 3 ? w : s, serial, undefined);
  const rows = timelineRows(lifelines, '', new Set());
  assert.equal(rows.lines, 7);
  assert.equal(rows.instances, 5);
  const text = (line: number) => {
    const entry = lineAt(rows, line);
    return entry === undefined ? undefined : entry.id === null ? entry.group.name : `#${lifelines.serial(entry.id)}`;
  };
  assert.deepEqual([-1, 0, 1, 2, 3, 4, 5, 6, 7].map(text), [undefined, 'Widget', '#1', '#2', '#3', 'Store', '#4', '#5', undefined]);

  const collapsed = timelineRows(lifelines, '', new Set(['Widget']));
  assert.deepEqual([0, 1, 2, 3].map((line) => lineAt(collapsed, line)?.id ?? null), [null, null, lifelines.find('f', 4), lifelines.find('f', 5)]);

  const filtered = timelineRows(lifelines, ' STO ', new Set());
  assert.deepEqual(filtered.groups.map((group) => group.name), ['Store']);
});
