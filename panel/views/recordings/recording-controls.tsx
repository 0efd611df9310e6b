import { useRef, type DragEvent } from 'react';
import { useTopics } from '../shared/use-topics.js';
import type { ViewState } from '../shared/view-state.js';
import { ExportMenu } from './export-menu.js';
import './recordings.css';

/** Loads each file as a recording, in order; failures end up in the view's import error. */
export async function importFiles(view: ViewState, files: Iterable<File>): Promise<void> {
  for (const file of files) {
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      view.setImportError(`Could not read ${file.name}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    view.importRecording(text, file.name);
  }
}

/** Props that make an element accept recording files dropped on it. */
export function fileDropTarget(view: ViewState) {
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
      void importFiles(view, event.dataTransfer.files);
    },
  };
}

/** Export of sessions as a recording file, and import of recording files. */
export function RecordingControls({ view }: { view: ViewState }) {
  const input = useRef<HTMLInputElement>(null);

  return (
    <div className="recording-controls">
      <ExportMenu view={view} />
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
          void importFiles(view, files);
        }}
      />
    </div>
  );
}

/**
 * Why the latest import failed, or what it left out although it succeeded, until dismissed or
 * the next import.
 */
export function ImportError({ view }: { view: ViewState }) {
  useTopics(view, ['banners']);
  const error = view.importError;
  if (error !== null) return <ImportBanner kind="error" text={error} dismiss={() => view.setImportError(null)} />;
  const notice = view.importNotice;
  if (notice !== null) return <ImportBanner kind="notice" text={notice} dismiss={() => view.dismissImportNotice()} />;
  return null;
}

/** An error interrupts (alert); a notice waits its turn (status). */
function ImportBanner({ kind, text, dismiss }: { kind: 'error' | 'notice'; text: string; dismiss: () => void }) {
  return (
    <div className="import-error" role={kind === 'error' ? 'alert' : 'status'}>
      <span data-testid={`import-${kind}`}>{text}</span>
      <button type="button" onClick={dismiss} aria-label={`Dismiss import ${kind}`}>
        ×
      </button>
    </div>
  );
}
