import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { parseBundle } from '../../../agent/protocol/bundle-preview.js';
import { MAX_LIFELINES, type Lifelines } from '../../store/lifelines.js';
import { lifelinesOf } from '../../store/panel-store.js';
import type { Session } from '../../store/session.js';
import { previewLine } from '../shared/bundle-display.js';
import type { Theme } from '../shared/theme.js';
import { useTopics } from '../shared/use-topics.js';
import type { ViewState } from '../shared/view-state.js';
import { readPalette } from './timeline-draw.js';
import { lineAt, timelineRows, type TimelineRows } from './timeline-rows.js';
import { formatOffset } from './timeline-scale.js';
import { TimelineView, type TimelineHover, type TimelineModel } from './timeline-view.js';
import './timeline.css';

interface Props {
  view: ViewState;
  session: Session;
  /** The toolbar's type filter. */
  filter: string;
  /** Canvas colours come from CSS variables read once: a theme change builds the view anew. */
  theme: Theme;
}

const TOOLTIP_WIDTH = 320;

/**
 * One lifeline per instance, grouped by type and ordered by serial: attached (solid), released
 * (a tick, then paler while it lives on), detached and not reported collected (thin), collected
 * (grey, with a cap), bundle updates as ticks.
 * Drawn on one canvas by TimelineView; the DOM holds only the text around it. Test contract:
 * the canvas carries `data-start`/`data-end` (the visible range, ms from the session start);
 * `table[aria-label="Visible lifelines"]` has a `tr[data-serial][data-type][data-line]` per
 * instance line in view, `td[data-col]` cells; the tooltip is `[role="tooltip"]`.
 */
export function Timeline({ view, session, filter, theme }: Props) {
  useTopics(view.store, [lifelinesOf(session.id)]);
  useTopics(view, ['selection']);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [visible, setVisible] = useState({ first: 0, last: -1 });
  const [hover, setHover] = useState<TimelineHover | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const scrollerRef = useRef<HTMLDivElement>(null);
  const spacerRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<TimelineView | null>(null);

  const lifelines = session.lifelines;
  const rows = timelineRows(lifelines, filter, collapsed);
  const picked = view.selectedInstance();
  const selected = picked?.session === session.id ? lifelines.find(picked.stream, picked.serial) : undefined;
  const model: TimelineModel = { rows, lifelines, origin: session.startTime, live: session.imported === null, selected };
  // The view and its callbacks outlive renders: they read the latest through this.
  const latest = useRef(model);
  latest.current = model;

  useEffect(() => {
    const canvas = canvasRef.current;
    const scroller = scrollerRef.current;
    const spacer = spacerRef.current;
    if (canvas === null || scroller === null || spacer === null) return;
    const describeLine = (line: number): string => {
      const { rows, lifelines } = latest.current;
      const entry = lineAt(rows, line);
      if (entry === undefined) return '';
      if (entry.id === null) return `${entry.group.name}: ${entry.group.rows.length} instances, ${entry.group.collapsed ? 'collapsed' : 'expanded'}`;
      return summary(lifelines, entry.id, session.startTime);
    };
    const drawn = new TimelineView(canvas, scroller, spacer, readPalette(canvas), {
      visible: (first, last) => setVisible({ first, last }),
      hover: setHover,
      focus: (line) => setAnnouncement(line === null ? '' : describeLine(line)),
      activate: (line) => {
        const { rows, lifelines } = latest.current;
        const entry = lineAt(rows, line);
        if (entry === undefined) return;
        if (entry.id === null) {
          const name = entry.group.name;
          setCollapsed((before) => {
            const after = new Set(before);
            if (!after.delete(name)) after.add(name);
            return after;
          });
          return;
        }
        view.selectInstance(session.id, lifelines.stream(entry.id), lifelines.serial(entry.id));
        setAnnouncement(`Selected ${lifelines.type(entry.id)} #${lifelines.serial(entry.id)}`);
      },
    });
    viewRef.current = drawn;
    drawn.update(latest.current);
    return () => {
      drawn.destroy();
      viewRef.current = null;
    };
  }, [view, session, theme]);

  useLayoutEffect(() => {
    viewRef.current?.update(model);
  });

  const hovered = hover === null ? undefined : lineAt(rows, hover.line);
  const width = scrollerRef.current?.clientWidth ?? 0;
  return (
    <section className="timeline" aria-label="Timeline">
      <div className="timeline-bar">
        <span data-testid="timeline-summary">
          {rows.instances.toLocaleString('en')} instance{rows.instances === 1 ? '' : 's'} of {rows.groups.length} type{rows.groups.length === 1 ? '' : 's'}
        </span>
        {lifelines.evictedRows > 0 && (
          <span className="warning" data-testid="timeline-evicted">
            {lifelines.evictedRows.toLocaleString('en')} oldest lifelines dropped (at most {MAX_LIFELINES.toLocaleString('en')} kept)
          </span>
        )}
        {lifelines.evictedTicks > 0 && <span className="warning">{lifelines.evictedTicks.toLocaleString('en')} oldest bundle-update ticks dropped</span>}
        <Legend />
        <span className="timeline-zoom">
          <button type="button" onClick={() => viewRef.current?.zoom(0.5)} aria-label="Zoom in" title="Zoom in (+, Ctrl+wheel, wheel over the axis)">+</button>
          <button type="button" onClick={() => viewRef.current?.zoom(2)} aria-label="Zoom out" title="Zoom out (−)">−</button>
          <button type="button" onClick={() => viewRef.current?.fit()} title="Show the whole session and follow it (0)">Fit</button>
        </span>
      </div>
      <div className="timeline-plot">
        <div className="timeline-scroll" ref={scrollerRef}>
          <canvas
            ref={canvasRef}
            tabIndex={0}
            role="application"
            aria-roledescription="timeline"
            aria-label="Lifelines by type and serial"
            aria-describedby="timeline-keys"
          />
          <div ref={spacerRef} />
        </div>
        {hovered?.id != null && hover !== null && (
          <Tooltip lifelines={lifelines} id={hovered.id} origin={session.startTime} left={Math.max(0, Math.min(hover.x + 14, width - TOOLTIP_WIDTH))} top={hover.y + 14} />
        )}
      </div>
      <p id="timeline-keys" className="visually-hidden">
        Up and down arrows move between lines, Enter selects an instance or collapses a type. Left and right arrows pan, plus and minus zoom, Home and End go to the start and the end, 0 fits the whole session.
      </p>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      <VisibleLines rows={rows} lifelines={lifelines} origin={session.startTime} first={visible.first} last={visible.last} />
    </section>
  );
}

function Legend() {
  return (
    <span className="timeline-legend" aria-hidden="true">
      <span><i className="swatch live" />attached</span>
      <span><i className="swatch released" />released, not collected</span>
      <span><i className="swatch detached" />detached, not reported collected</span>
      <span><i className="swatch ended" />collected</span>
      <span><i className="swatch update" />bundle update</span>
    </span>
  );
}

interface Times {
  created: string;
  released: string;
  detached: string;
  destroyed: string;
}

/** "+1.234 s (14:03:07.123)": from the session's start, and the clock. */
function when(time: number, origin: number): string {
  if (Number.isNaN(time)) return '';
  // Rounded as the offset is, so both say the same millisecond.
  const date = new Date(Math.round(time));
  return `${formatOffset(time - origin)} (${date.toLocaleTimeString('en-GB')}.${String(date.getMilliseconds()).padStart(3, '0')})`;
}

function times(lifelines: Lifelines, id: number, origin: number): Times {
  return {
    created: when(lifelines.created(id), origin),
    released: when(lifelines.releasedAt(id), origin),
    detached: when(lifelines.detachedAt(id), origin),
    destroyed: when(lifelines.destroyedAt(id), origin),
  };
}

function preview(lifelines: Lifelines, id: number): string {
  const bundle = lifelines.bundle(id);
  return bundle === undefined ? '' : previewLine(parseBundle(bundle));
}

function summary(lifelines: Lifelines, id: number, origin: number): string {
  const { created, released, detached, destroyed } = times(lifelines, id, origin);
  const state = destroyed
    ? `collected ${destroyed}`
    : detached
      ? `detached ${detached}, not reported collected`
      : released
        ? `released ${released}, not collected`
        : 'live';
  return `${lifelines.type(id)} #${lifelines.serial(id)}, created ${created}, ${state}`;
}

function Tooltip({ lifelines, id, origin, left, top }: { lifelines: Lifelines; id: number; origin: number; left: number; top: number }) {
  const { created, released, detached, destroyed } = times(lifelines, id, origin);
  let updates = 0;
  lifelines.forEachTick(id, () => updates++);
  const bundle = preview(lifelines, id);
  return (
    <div className="timeline-tooltip" role="tooltip" style={{ left, top, width: TOOLTIP_WIDTH }}>
      <strong>
        {lifelines.type(id)} #{lifelines.serial(id)}
      </strong>
      <dl>
        <dt>created</dt>
        <dd data-field="created">{created}</dd>
        {released && (
          <>
            <dt>released</dt>
            <dd data-field="released">{released}</dd>
          </>
        )}
        {detached && (
          <>
            <dt>detached</dt>
            <dd data-field="detached">{detached}</dd>
          </>
        )}
        <dt>destroyed</dt>
        <dd data-field="destroyed">{destroyed || 'not reported collected'}</dd>
        {updates > 0 && (
          <>
            <dt>updates</dt>
            <dd>{updates}</dd>
          </>
        )}
        <dt>bundle</dt>
        <dd data-field="bundle">{bundle || 'none'}</dd>
      </dl>
    </div>
  );
}

/** The instance lines in view as a table: the canvas's text alternative. */
function VisibleLines({ rows, lifelines, origin, first, last }: { rows: TimelineRows; lifelines: Lifelines; origin: number; first: number; last: number }) {
  const lines: number[] = [];
  for (let line = first; line <= last; line++) lines.push(line);
  return (
    <table className="visually-hidden" aria-label="Visible lifelines">
      <thead>
        <tr>
          <th scope="col">Type</th>
          <th scope="col">Serial</th>
          <th scope="col">Created</th>
          <th scope="col">Released</th>
          <th scope="col">Detached</th>
          <th scope="col">Destroyed</th>
          <th scope="col">Bundle</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => {
          const entry = lineAt(rows, line);
          if (entry?.id == null) return null;
          const id = entry.id;
          const { created, released, detached, destroyed } = times(lifelines, id, origin);
          return (
            <tr key={line} data-line={line} data-type={lifelines.type(id)} data-serial={lifelines.serial(id)}>
              <td data-col="type">{lifelines.type(id)}</td>
              <th scope="row" data-col="serial">{lifelines.serial(id)}</th>
              <td data-col="created">{created}</td>
              <td data-col="released">{released}</td>
              <td data-col="detached">{detached}</td>
              <td data-col="destroyed">{destroyed}</td>
              <td data-col="bundle">{preview(lifelines, id)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
