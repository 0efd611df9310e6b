// Reading the panel through its DOM contract: <table aria-label="Instances by type">, one body
// row per type (<tr data-type>), numeric cells <td data-col> holding plain integers, and the
// status bar's drop counters ([data-drop]). Works on the panel as a tab (Page) and inside
// DevTools (Frame).
import type { Frame, Page } from '@playwright/test';
import { expect } from './fixtures.js';

export type PanelTarget = Page | Frame;
export type Column = 'live' | 'created' | 'retired' | 'peak' | 'delta';
export type Row = Partial<Record<Column, number>>;
export type Table = Record<string, Row>;

export const TABLE = 'table[aria-label="Instances by type"]';

/** Every type row of the table, read in one go (a consistent snapshot of one render). */
export function readTable(panel: PanelTarget): Promise<Table> {
  return panel.evaluate((selector) => {
    const table: Record<string, Record<string, number>> = {};
    const element = document.querySelector(selector);
    if (element === null) return table;
    for (const row of element.querySelectorAll<HTMLTableRowElement>('tbody tr[data-type]')) {
      const cells: Record<string, number> = {};
      for (const cell of row.querySelectorAll<HTMLElement>('td[data-col]')) {
        const text = (cell.textContent ?? '').trim();
        // Anything but a plain integer is kept as NaN so an assertion shows it failed.
        cells[cell.dataset['col'] ?? ''] = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
      }
      table[row.dataset['type'] ?? ''] = cells;
    }
    return table;
  }, TABLE);
}

/** The table restricted to `columns` (default live/created/retired), for exact comparisons. */
export async function readCounts(
  panel: PanelTarget,
  columns: readonly Column[] = ['live', 'created', 'retired'],
): Promise<Table> {
  const table = await readTable(panel);
  return Object.fromEntries(
    Object.entries(table).map(([type, row]) => [type, Object.fromEntries(columns.map((c) => [c, row[c]]))]),
  );
}

export interface ExpectTableOptions {
  /** Columns compared (default live/created/retired). */
  columns?: readonly Column[];
  /**
   * Called before every read: e.g. a forced GC, since a finalizer only runs after a collection
   * that found the object unreachable, and one collection is not guaranteed to be that one.
   */
  before?: () => Promise<void>;
  timeout?: number;
  message?: string;
  /** Also the status bar's drop counters, e.g. NO_DROPS. */
  drops?: Record<string, number>;
  /** A failure is recorded and the test goes on (to report every expectation that fails). */
  soft?: boolean;
}

/**
 * Waits until the panel's table is exactly `expected` (every type row, nothing else), e.g.
 * `{ Widget: { live: 3, created: 5, retired: 2 } }`.
 */
export async function expectTable(panel: PanelTarget, expected: Table, options: ExpectTableOptions = {}): Promise<void> {
  const { columns = ['live', 'created', 'retired'], before, timeout, message, drops, soft = false } = options;
  await expect
    .configure({ soft })
    .poll(
      async () => {
        await before?.();
        const table = await readCounts(panel, columns);
        // Read together, a failure shows the counts and what the panel knows it lost.
        return drops === undefined ? table : { table, drops: await readDrops(panel) };
      },
      { timeout, message: message ?? 'panel table (type → counts)' },
    )
    .toEqual(drops === undefined ? expected : { table: expected, drops });
}

/** The status bar's drop counters by name (agentEvents, relayMessages, historyMessages, …). */
export function readDrops(panel: PanelTarget): Promise<Record<string, number>> {
  return panel.evaluate(() => {
    const drops: Record<string, number> = {};
    for (const element of document.querySelectorAll<HTMLElement>('[data-testid="status"] [data-drop]')) {
      const match = /-?\d+/.exec(element.textContent ?? '');
      drops[element.dataset['drop'] ?? ''] = match === null ? Number.NaN : Number(match[0]);
    }
    return drops;
  });
}

export const NO_DROPS = { agentEvents: 0, relayMessages: 0, historyMessages: 0, invalidMessages: 0, gaps: 0 };

export const SESSION_PICKER = '[data-testid="session-picker"]';

export interface SessionOption {
  /** The session id. */
  value: string;
  label: string;
  selected: boolean;
}

/** The sessions the picker (a <select>) offers, in its order. */
export function sessionOptions(panel: PanelTarget): Promise<SessionOption[]> {
  return panel.evaluate((selector) => {
    const picker = document.querySelector(selector);
    if (!(picker instanceof HTMLSelectElement)) return [];
    return [...picker.options].map((option) => ({
      value: option.value,
      label: (option.textContent ?? '').trim(),
      selected: option.selected,
    }));
  }, SESSION_PICKER);
}

/** Shows the first session the picker offers that `matches`. */
export async function selectSession(panel: PanelTarget, matches: (option: SessionOption) => boolean): Promise<void> {
  const options = await sessionOptions(panel);
  const option = options.find(matches);
  if (option === undefined) throw new Error(`no session matches; the picker offers ${JSON.stringify(options)}`);
  await panel.locator(SESSION_PICKER).selectOption(option.value);
}
