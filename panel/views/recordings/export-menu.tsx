import { useEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import type { ExportedRecording } from '../../store/export-recording.js';
import { useTopics } from '../shared/use-topics.js';
import { rovingIndex } from '../shared/roving-index.js';
import type { ViewState } from '../shared/view-state.js';
import { exportFileName } from './export-name.js';

/** How long a downloaded file's object URL lives: the download reads the blob after click() returns. */
const REVOKE_AFTER_MS = 60_000;

function download(recording: ExportedRecording, name: string): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(recording)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

interface Item {
  label: string;
  hint: string;
  run: () => void;
}

/**
 * The Export menu button (WAI-ARIA menu button): the shown session, or every listed session in
 * one file. Arrow keys, Home and End move between items; Escape closes and gives focus back.
 */
export function ExportMenu({ view }: { view: ViewState }) {
  useTopics(view, ['selection']);
  const store = view.store;
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const shown = view.selected;
  const count = store.sessions.length;

  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open]);

  const items: Item[] = [
    {
      label: 'Export shown session',
      hint: 'Save the shown session as a recording file',
      run() {
        const recording = shown === undefined ? null : store.exportSession(shown.id);
        if (shown !== undefined && recording !== null) download(recording, exportFileName(shown.url, shown.startTime));
      },
    },
    {
      label: `Export all sessions (${count})`,
      hint: 'Save every listed session, live and imported, in one recording file',
      run() {
        const now = Date.now();
        const recording = store.exportAll(now);
        if (recording !== null) download(recording, exportFileName(store.sessions[0]?.url, now, true));
      },
    },
  ];

  const close = (focusButton: boolean): void => {
    setOpen(false);
    if (focusButton) button.current?.focus();
  };
  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const elements = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const index = elements.indexOf(document.activeElement as HTMLElement);
    const next = rovingIndex(event.key, index, elements.length, 'vertical');
    if (event.key === 'Escape') close(true);
    else if (event.key === 'Tab') close(false);
    if (next === null) return;
    event.preventDefault();
    elements[next]?.focus();
  };
  // Focus leaving the menu (a click elsewhere, Tab) closes it.
  const onBlur = (event: FocusEvent<HTMLDivElement>): void => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOpen(false);
  };

  return (
    <div className="export-menu" onBlur={onBlur}>
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="export-menu"
        disabled={shown === undefined}
        title="Save sessions as a recording file"
        onClick={() => setOpen(!open)}
        onKeyDown={(event) => {
          if (event.key !== 'ArrowDown') return;
          event.preventDefault();
          setOpen(true);
        }}
      >
        Export <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div ref={menu} id="export-menu" role="menu" aria-label="Export" className="menu" onKeyDown={onMenuKeyDown}>
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              title={item.hint}
              onClick={() => {
                close(true);
                item.run();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
