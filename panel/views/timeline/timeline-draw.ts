import type { Lifelines } from '../../store/lifelines.js';
import { lineAt, type TimelineRows } from './timeline-rows.js';
import { axisTicks, formatTick, type TimeRange } from './timeline-scale.js';

export const AXIS_HEIGHT = 24;
/** Vertical distance between lines; a bar is BAR_HEIGHT of it, whatever the zoom. */
export const LINE_PITCH = 16;
const BAR_HEIGHT = 14;
/** The detached part of a lifeline is this thin, centred: the app let go, the GC has not reported. */
const DETACHED_HEIGHT = 6;
/** Width of the serial labels left of the plot. */
export const GUTTER = 96;

/** Canvas colours, read from panel.css's variables (see readPalette). */
export interface Palette {
  bg: string;
  header: string;
  text: string;
  muted: string;
  grid: string;
  selected: string;
  focus: string;
  live: string;
  ended: string;
  detached: string;
  release: string;
  released: string;
  destroyed: string;
  update: string;
  now: string;
}

const VARIABLES: Record<keyof Palette, string> = {
  bg: '--bg',
  header: '--bg-header',
  text: '--text',
  muted: '--text-muted',
  grid: '--grid',
  selected: '--timeline-selected',
  focus: '--accent',
  live: '--timeline-live',
  ended: '--timeline-ended',
  detached: '--timeline-detached',
  release: '--timeline-release',
  released: '--timeline-released',
  destroyed: '--timeline-destroyed',
  update: '--timeline-update',
  now: '--accent',
};

export function readPalette(element: Element): Palette {
  const style = getComputedStyle(element);
  return Object.fromEntries(Object.entries(VARIABLES).map(([key, name]) => [key, style.getPropertyValue(name).trim()])) as unknown as Palette;
}

/** What one drawing (one animation frame) shows. */
export interface TimelineScene {
  /** CSS px. */
  width: number;
  height: number;
  /** Vertical scroll offset of the lines, CSS px. */
  scrollTop: number;
  range: TimeRange;
  /** Epoch ms of the session's start: times on the axis count from it. */
  origin: number;
  /** Epoch ms where lifelines still running end: now for a live session, the last event for a recording. */
  now: number;
  rows: TimelineRows;
  lifelines: Lifelines;
  /** Row id of the selected instance. */
  selected: number | undefined;
  /** Line of the keyboard cursor, outlined while the canvas has focus. */
  focusLine: number | null;
}

/** The first and last line a scene shows (possibly partly). */
export function visibleLines(scene: Pick<TimelineScene, 'height' | 'scrollTop' | 'rows'>): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scene.scrollTop / LINE_PITCH));
  const last = Math.min(scene.rows.lines - 1, Math.floor((scene.scrollTop + scene.height - AXIS_HEIGHT) / LINE_PITCH));
  return { first, last };
}

/**
 * Draws a scene: only the lines in view, each colour as one path (many rects, one fill), as
 * uPlot does; that, not the number of instances, is what a frame costs.
 */
export function drawTimeline(context: CanvasRenderingContext2D, scene: TimelineScene, palette: Palette): void {
  const { width, height, scrollTop, range, origin, now, rows, lifelines, selected, focusLine } = scene;
  const plot = width - GUTTER;
  const scale = plot / (range.end - range.start);
  const x = (time: number): number => GUTTER + (time - origin - range.start) * scale;
  const { first, last } = visibleLines(scene);
  const top = (line: number): number => AXIS_HEIGHT + line * LINE_PITCH - scrollTop;

  context.fillStyle = palette.bg;
  context.fillRect(0, 0, width, height);

  const ticks = axisTicks(range, plot);
  const grid = new Path2D();
  for (const time of ticks.times) grid.rect(Math.round(GUTTER + (time - range.start) * scale), AXIS_HEIGHT, 1, height - AXIS_HEIGHT);
  context.fillStyle = palette.grid;
  context.fill(grid);

  const headers = new Path2D();
  const highlight = new Path2D();
  const live = new Path2D();
  const ended = new Path2D();
  const detached = new Path2D();
  const releases = new Path2D();
  const released = new Path2D();
  const destroyed = new Path2D();
  const updates = new Path2D();
  const labels: { text: string; y: number; header: boolean }[] = [];
  // Bars are clipped to the plot by hand: off-plot rects would only be wasted path.
  const bar = (path: Path2D, from: number, to: number, y: number, h: number): void => {
    const left = Math.max(from, GUTTER);
    const right = Math.min(to, width);
    if (right < GUTTER || left > width) return;
    path.rect(left, y, Math.max(1, right - left), h);
  };

  for (let line = first; line <= last; line++) {
    const entry = lineAt(rows, line)!;
    const y = top(line);
    if (entry.id === null) {
      headers.rect(0, y, width, LINE_PITCH);
      const { group } = entry;
      labels.push({ text: `${group.collapsed ? '▸' : '▾'} ${group.name} (${group.rows.length.toLocaleString('en')})`, y, header: true });
      continue;
    }
    const id = entry.id;
    if (!lifelines.has(id)) continue;
    if (id === selected) highlight.rect(0, y, width, LINE_PITCH);
    labels.push({ text: `#${lifelines.serial(id)}`, y, header: false });
    const barY = y + (LINE_PITCH - BAR_HEIGHT) / 2;
    const created = lifelines.created(id);
    const detachedAt = lifelines.detachedAt(id);
    const destroyedAt = lifelines.destroyedAt(id);
    const gone = !Number.isNaN(destroyedAt);
    const end = gone ? destroyedAt : now;
    const attachedEnd = Number.isNaN(detachedAt) ? end : detachedAt;
    const releasedAt = lifelines.releasedAt(id);
    // Released and still alive: a tick at the release, then a paler bar for as long as it lives on.
    const heldEnd = gone || Number.isNaN(releasedAt) ? attachedEnd : Math.min(releasedAt, attachedEnd);
    bar(gone ? ended : live, x(created), x(heldEnd), barY, BAR_HEIGHT);
    if (heldEnd < attachedEnd) bar(released, x(heldEnd), x(attachedEnd), barY, BAR_HEIGHT);
    if (!Number.isNaN(releasedAt)) bar(releases, x(releasedAt) - 1, x(releasedAt) + 1, barY, BAR_HEIGHT);
    if (!Number.isNaN(detachedAt)) bar(detached, x(detachedAt), x(end), y + (LINE_PITCH - DETACHED_HEIGHT) / 2, DETACHED_HEIGHT);
    if (gone) bar(destroyed, x(destroyedAt) - 1, x(destroyedAt) + 1, barY, BAR_HEIGHT);
    lifelines.forEachTick(id, (time) => {
      const at = x(time);
      if (at >= GUTTER && at <= width) updates.rect(Math.floor(at), barY, 1, BAR_HEIGHT);
    });
  }

  // Below the axis only: lines scrolled up slide under it.
  context.save();
  context.beginPath();
  context.rect(0, AXIS_HEIGHT, width, height - AXIS_HEIGHT);
  context.clip();
  for (const [path, color] of [
    [headers, palette.header],
    [highlight, palette.selected],
    [live, palette.live],
    [ended, palette.ended],
    [released, palette.released],
    [detached, palette.detached],
    [destroyed, palette.destroyed],
    [updates, palette.update],
    [releases, palette.release],
  ] as const) {
    context.fillStyle = color;
    context.fill(path);
  }
  if (scene.now - origin >= range.start && scene.now - origin <= range.end) {
    context.fillStyle = palette.now;
    context.fillRect(Math.round(x(scene.now)), AXIS_HEIGHT, 1, height - AXIS_HEIGHT);
  }
  context.font = '11px system-ui, sans-serif';
  context.textBaseline = 'middle';
  for (const label of labels) {
    context.fillStyle = label.header ? palette.text : palette.muted;
    context.fillText(label.text, 6, label.y + LINE_PITCH / 2, label.header ? width - 12 : GUTTER - 12);
  }
  if (focusLine !== null && focusLine >= first && focusLine <= last) {
    context.strokeStyle = palette.focus;
    context.lineWidth = 2;
    context.strokeRect(1, top(focusLine) + 1, width - 2, LINE_PITCH - 2);
  }
  context.restore();

  context.fillStyle = palette.header;
  context.fillRect(0, 0, width, AXIS_HEIGHT);
  context.fillStyle = palette.grid;
  context.fillRect(0, AXIS_HEIGHT - 1, width, 1);
  context.fillStyle = palette.muted;
  context.textBaseline = 'middle';
  context.fillText('serial', 6, AXIS_HEIGHT / 2);
  for (const time of ticks.times) {
    const at = Math.round(GUTTER + (time - range.start) * scale);
    context.fillRect(at, AXIS_HEIGHT - 5, 1, 5);
    context.fillText(formatTick(time, ticks.step), at + 3, AXIS_HEIGHT / 2);
  }
}
