import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { parseBundle } from '../../../agent/protocol/bundle-preview.js';
import { lifelinesOf } from '../../store/panel-store.js';
import type { Session } from '../../store/session.js';
import { previewLine } from '../shared/bundle-display.js';
import { formatAge } from '../shared/format-age.js';
import { useTopics } from '../shared/use-topics.js';
import type { ViewState } from '../shared/view-state.js';
import './inspector.css';

const ROW_HEIGHT = 22;

interface Props {
  view: ViewState;
  session: Session;
  type: string;
}

/**
 * The live instances of one type, oldest first. Virtualized: a session keeps up to MAX_LIFELINES.
 * Test contract: each row is a button `[data-serial]` inside `[aria-label="Live instances of {type}"]`.
 */
export function InstanceList({ view, session, type }: Props) {
  useTopics(view.store, [lifelinesOf(session.id)]);
  useTopics(view, ['selection']);
  const instances = session.liveInstances(type);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: instances.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const selected = view.selectedInstance();
  const now = Date.now();
  const lifelines = session.lifelines;
  const row = (id: number) => {
    const stream = lifelines.stream(id);
    const serial = lifelines.serial(id);
    const created = lifelines.created(id);
    const bundle = lifelines.bundle(id);
    const isSelected = selected?.session === session.id && selected.stream === stream && selected.serial === serial;
    return (
      <button
        type="button"
        className={isSelected ? 'instance selected' : 'instance'}
        aria-pressed={isSelected}
        data-serial={serial}
        onClick={() => view.selectInstance(session.id, stream, serial)}
      >
        <span className="serial">#{serial}</span>
        <span className="muted">{new Date(created).toLocaleTimeString()}</span>
        <span className="muted">{formatAge(now - created)}</span>
        <span className="preview">{bundle === undefined ? '' : previewLine(parseBundle(bundle))}</span>
      </button>
    );
  };
  return (
    <section className="instances" aria-label={`Live instances of ${type}`}>
      <h2>
        {type} <span className="muted">{instances.length} live</span>
      </h2>
      {instances.length === 0 ? (
        <p className="muted table-note">No live instance of {type} is remembered.</p>
      ) : (
        <div ref={scroller} className="instance-scroll">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => (
              <div key={item.key} style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}>
                {row(instances[item.index]!)}
              </div>
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
