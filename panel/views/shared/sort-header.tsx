import type { ReactNode } from 'react';
import { nextSort, type Sort } from './sort.js';

interface Props<K extends string> {
  column: K;
  sort: Sort<K>;
  onSort: (sort: Sort<K>) => void;
  className: string;
  title: string;
  /** The button's accessible name, when the visible text is an abbreviation. */
  label?: string;
  rowSpan?: number;
  children: ReactNode;
}

/** A column header that sorts by its column: `aria-sort` on the cell, a button for click and keyboard, ▲/▼ beside the text. */
export function SortHeader<K extends string>({ column, sort, onSort, className, title, label, rowSpan, children }: Props<K>) {
  return (
    <th scope="col" aria-sort={sort.key === column ? sort.direction : 'none'} className={className} rowSpan={rowSpan}>
      <button type="button" aria-label={label} title={title} onClick={() => onSort(nextSort(sort, column))}>
        {children}
        <span className="sort-mark" aria-hidden="true">
          {sort.key === column ? (sort.direction === 'ascending' ? '▲' : '▼') : ''}
        </span>
      </button>
    </th>
  );
}
