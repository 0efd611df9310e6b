import type { Lifelines } from '../../store/lifelines.js';

/** One type's lines: a header, then its instances ordered by serial unless collapsed. */
export interface TimelineGroup {
  readonly name: string;
  /** Row ids (see Lifelines) of its kept instances. */
  readonly rows: Float64Array;
  readonly collapsed: boolean;
  /** Index of its header among all lines. */
  readonly line: number;
}

export interface TimelineRows {
  readonly groups: TimelineGroup[];
  /** Headers and instance lines shown. */
  readonly lines: number;
  /** Instances in the groups shown, collapsed or not. */
  readonly instances: number;
}

/** A line: a group's header (id null) or one of its instances. */
export interface TimelineLine {
  readonly group: TimelineGroup;
  readonly id: number | null;
}

/**
 * The timeline's lines: types whose name contains `filter` (any case, as the type table filters),
 * in order of first appearance, which is serial order of their first instance.
 */
export function timelineRows(lifelines: Lifelines, filter: string, collapsed: ReadonlySet<string>): TimelineRows {
  const needle = filter.trim().toLowerCase();
  const groups: TimelineGroup[] = [];
  let lines = 0;
  let instances = 0;
  lifelines.typeNames.forEach((name, type) => {
    if (needle && !name.toLowerCase().includes(needle)) return;
    const rows = lifelines.rows(type);
    if (rows.length === 0) return;
    const isCollapsed = collapsed.has(name);
    groups.push({ name, rows, collapsed: isCollapsed, line: lines });
    lines += 1 + (isCollapsed ? 0 : rows.length);
    instances += rows.length;
  });
  return { groups, lines, instances };
}

/** The line at `index`, if any (a binary search over the groups). */
export function lineAt(rows: TimelineRows, index: number): TimelineLine | undefined {
  if (index < 0 || index >= rows.lines) return undefined;
  const { groups } = rows;
  let low = 0;
  let high = groups.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (groups[mid]!.line <= index) low = mid;
    else high = mid - 1;
  }
  const group = groups[low]!;
  return index === group.line ? { group, id: null } : { group, id: group.rows[index - group.line - 1]! };
}
