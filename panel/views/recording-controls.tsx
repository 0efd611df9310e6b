import { useRef, type DragEvent } from 'react';
import type { PanelStore } from '../store/panel-store.js';

/** How long a downloaded file's object URL lives: the download reads the blob after click() returns. */
const REVOKE_AFTER_MS = 60_000;

/** `trackables-<session start>.json`, the start in UTC with characters file systems dislike replaced. */
export function exportFileName(startTime: number): string {
  return `trackables-${new Date(startTime).toISOString().replace(/[:.]/g, '-')}.json`;
}

/** Loads each file as a recording, in order; failures end up in the store's import error. */
export async function importFiles(store: PanelStore, files: Iterable<File>): Promise<void> {
  for (const file of files) {
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      store.setImportError(`Could not read ${file.name}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    store.importRecording(text, file.name);
  }
}

/** Props that make an element accept recording files dropped on it. */
export function fileDropTarget(store: PanelStore) {
  const carriesFiles = (event: DragEvent): boolean => event.dataTransfer.types.includes('Files');
  return {
    onDragOver(event: DragEvent) {
      if (!carriesFiles(event)) return;
      // Without preventDefault the browser refuses the drop (and would open the file instead).
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    },
    onDrop(event: DragEvent) {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      void importFiles(store, event.dataTransfer.files);
    },
  };
}

/** Export of the shown session as a recording file, and import of recording files. */
export function RecordingControls({ store }: { store: PanelStore }) {
  const input = useRef<HTMLInputElement>(null);
  const session = store.selected;

  const exportShown = (): void => {
    const recording = session === undefined ? null : store.exportSession(session.id);
    if (session === undefined || recording === null) return;
    const url = URL.createObjectURL(new Blob([JSON.stringify(recording)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = exportFileName(session.startTime);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  };

  return (
    <div className="recording-controls">
      <button type="button" onClick={exportShown} disabled={session === undefined} title="Save the shown session as a recording file">
        Export
      </button>
      <button type="button" onClick={() => input.current?.click()} title="Open a recording file (or drop one on the panel)">
        Import
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="import-file"
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          // Cleared so that picking the same file again still fires a change.
          event.target.value = '';
          void importFiles(store, files);
        }}
      />
    </div>
  );
}

/** Why the latest import failed, until dismissed or a later import succeeds. */
export function ImportError({ store }: { store: PanelStore }) {
  const error = store.importError;
  if (error === null) return null;
  return (
    <div className="import-error" role="alert">
      <span data-testid="import-error">{error}</span>
      <button type="button" onClick={() => store.setImportError(null)} aria-label="Dismiss import error">
        ×
      </button>
    </div>
  );
}
