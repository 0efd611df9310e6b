import type { Lifelines } from '../../store/lifelines.js';
import { AXIS_HEIGHT, drawTimeline, GUTTER, LINE_PITCH, visibleLines, type Palette } from './timeline-draw.js';
import type { TimelineRows } from './timeline-rows.js';
import { fitRange, panRange, zoomRange, type TimeRange } from './timeline-scale.js';

/** What the view draws; replaced by the React component on every render. */
export interface TimelineModel {
  rows: TimelineRows;
  lifelines: Lifelines;
  /** Epoch ms of the session's start. */
  origin: number;
  /** A live session's running lifelines end now (and grow); a recording's at its last event. */
  live: boolean;
  selected: number | undefined;
}

export interface TimelineHover {
  line: number;
  /** Pointer position over the canvas, CSS px. */
  x: number;
  y: number;
}

export interface TimelineCallbacks {
  /** The lines in view changed. */
  visible(first: number, last: number): void;
  hover(hover: TimelineHover | null): void;
  /** A click or Enter/Space on a line. */
  activate(line: number): void;
  /** The keyboard cursor moved. */
  focus(line: number | null): void;
}

/** How often a live session's running lifelines grow on screen while no event arrives. */
const LIVE_REDRAW_MS = 250;
/** A press that moves less than this (CSS px) is a click, not a drag. */
const CLICK_SLOP = 3;
const WHEEL_ZOOM = 0.002;
/** Zoomed out at most this many times the fitted span. */
const MAX_ZOOM_OUT = 4;

/**
 * The timeline's canvas: sizing, the visible range, input (drag, wheel, keys) and drawing, at
 * most once per animation frame. The canvas is sticky at the top of a scroller whose spacer is
 * as tall as all lines, so the browser scrolls (scrollbar, wheel, touch) and only the lines in
 * view are drawn.
 */
export class TimelineView {
  readonly #canvas: HTMLCanvasElement;
  readonly #scroller: HTMLElement;
  readonly #spacer: HTMLElement;
  readonly #palette: Palette;
  readonly #callbacks: TimelineCallbacks;
  readonly #cleanup: (() => void)[] = [];
  #model: TimelineModel | null = null;
  #range: TimeRange = fitRange(0);
  /** Follows the session as it grows until the user zooms or pans; 0 goes back to it. */
  #follow = true;
  #focusLine: number | null = null;
  /** The pending requestAnimationFrame, 0 when none. */
  #drawRequest = 0;
  #width = 0;
  #height = 0;
  #visible = { first: 0, last: -1 };
  #drag: { x: number; y: number; range: TimeRange; scrollTop: number; moved: boolean } | null = null;

  constructor(canvas: HTMLCanvasElement, scroller: HTMLElement, spacer: HTMLElement, palette: Palette, callbacks: TimelineCallbacks) {
    this.#canvas = canvas;
    this.#scroller = scroller;
    this.#spacer = spacer;
    this.#palette = palette;
    this.#callbacks = callbacks;
    this.#listen(scroller, 'scroll', () => this.requestDraw());
    this.#listen(scroller, 'wheel', this.#onWheel, { passive: false });
    this.#listen(canvas, 'pointerdown', this.#onPointerDown);
    this.#listen(canvas, 'pointermove', this.#onPointerMove);
    this.#listen(canvas, 'pointerup', this.#onPointerUp);
    this.#listen(canvas, 'pointerleave', () => callbacks.hover(null));
    this.#listen(canvas, 'keydown', this.#onKeyDown);
    this.#listen(canvas, 'focus', () => {
      if (this.#focusLine === null) this.#moveFocus(this.#visible.first);
      this.requestDraw();
    });
    this.#listen(canvas, 'blur', () => this.requestDraw());
    const resize = new ResizeObserver(() => this.requestDraw());
    resize.observe(scroller);
    this.#cleanup.push(() => resize.disconnect());
    const timer = setInterval(() => {
      if (this.#model?.live) this.requestDraw();
    }, LIVE_REDRAW_MS);
    this.#cleanup.push(() => clearInterval(timer));
  }

  update(model: TimelineModel): void {
    this.#model = model;
    if (this.#focusLine !== null && this.#focusLine >= model.rows.lines) this.#moveFocus(model.rows.lines - 1);
    this.requestDraw();
  }

  destroy(): void {
    cancelAnimationFrame(this.#drawRequest);
    for (const undo of this.#cleanup) undo();
  }

  requestDraw(): void {
    if (this.#drawRequest === 0) this.#drawRequest = requestAnimationFrame(this.#draw);
  }

  /** Zooms by `factor` (< 1 in) around an epoch-free time in ms from the start, or the centre. */
  zoom(factor: number, anchor = (this.#range.start + this.#range.end) / 2): void {
    this.#range = zoomRange(this.#range, anchor, factor, this.#fit().end * MAX_ZOOM_OUT);
    this.#follow = false;
    this.requestDraw();
  }

  pan(by: number): void {
    this.#range = panRange(this.#range, by);
    this.#follow = false;
    this.requestDraw();
  }

  fit(): void {
    this.#follow = true;
    this.requestDraw();
  }

  #now(model: TimelineModel): number {
    return model.live ? Date.now() : Number.isFinite(model.lifelines.lastTime) ? model.lifelines.lastTime : model.origin;
  }

  #fit(): TimeRange {
    const model = this.#model;
    return fitRange(model === null ? 0 : this.#now(model) - model.origin);
  }

  readonly #draw = (): void => {
    this.#drawRequest = 0;
    const model = this.#model;
    if (model === null) return;
    const width = this.#scroller.clientWidth;
    const height = this.#scroller.clientHeight;
    const total = AXIS_HEIGHT + model.rows.lines * LINE_PITCH;
    this.#spacer.style.height = `${Math.max(0, total - height)}px`;
    const ratio = devicePixelRatio || 1;
    if (width !== this.#width || height !== this.#height || this.#canvas.width !== Math.round(width * ratio)) {
      this.#width = width;
      this.#height = height;
      this.#canvas.style.width = `${width}px`;
      this.#canvas.style.height = `${height}px`;
      this.#canvas.width = Math.round(width * ratio);
      this.#canvas.height = Math.round(height * ratio);
    }
    if (this.#follow) this.#range = this.#fit();
    const context = this.#canvas.getContext('2d');
    if (context === null || width === 0 || height === 0) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    const scene = {
      width,
      height,
      scrollTop: this.#scroller.scrollTop,
      range: this.#range,
      origin: model.origin,
      now: this.#now(model),
      rows: model.rows,
      lifelines: model.lifelines,
      selected: model.selected,
      focusLine: document.activeElement === this.#canvas ? this.#focusLine : null,
    };
    drawTimeline(context, scene, this.#palette);
    // The range as numbers, for tests and tools: the axis labels say the same in words.
    this.#canvas.dataset['start'] = this.#range.start.toFixed(3);
    this.#canvas.dataset['end'] = this.#range.end.toFixed(3);
    const { first, last } = visibleLines(scene);
    if (first !== this.#visible.first || last !== this.#visible.last) {
      this.#visible = { first, last };
      this.#callbacks.visible(first, last);
    }
  };

  #plotTime(clientX: number): number {
    const box = this.#canvas.getBoundingClientRect();
    const fraction = (clientX - box.left - GUTTER) / Math.max(1, box.width - GUTTER);
    return this.#range.start + fraction * (this.#range.end - this.#range.start);
  }

  #lineAt(clientY: number): number | null {
    const y = clientY - this.#canvas.getBoundingClientRect().top;
    if (y < AXIS_HEIGHT) return null;
    const line = Math.floor((y - AXIS_HEIGHT + this.#scroller.scrollTop) / LINE_PITCH);
    return line < (this.#model?.rows.lines ?? 0) ? line : null;
  }

  readonly #onWheel = (event: WheelEvent): void => {
    const overAxis = event.clientY - this.#canvas.getBoundingClientRect().top < AXIS_HEIGHT;
    const pixels = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? LINE_PITCH : 1;
    if (event.ctrlKey || event.metaKey || overAxis) {
      event.preventDefault();
      this.zoom(Math.exp(event.deltaY * pixels * WHEEL_ZOOM), this.#plotTime(event.clientX));
    } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
      event.preventDefault();
      const delta = event.shiftKey && event.deltaX === 0 ? event.deltaY : event.deltaX;
      this.pan(((delta * pixels) / Math.max(1, this.#width - GUTTER)) * (this.#range.end - this.#range.start));
    }
    // Plain vertical wheel: the scroller scrolls the lines.
  };

  readonly #onPointerDown = (event: PointerEvent): void => {
    if (event.button !== 0) return;
    this.#canvas.setPointerCapture(event.pointerId);
    this.#drag = { x: event.clientX, y: event.clientY, range: this.#range, scrollTop: this.#scroller.scrollTop, moved: false };
  };

  readonly #onPointerMove = (event: PointerEvent): void => {
    const drag = this.#drag;
    if (drag === null) {
      const line = this.#lineAt(event.clientY);
      const box = this.#canvas.getBoundingClientRect();
      this.#callbacks.hover(line === null ? null : { line, x: event.clientX - box.left, y: event.clientY - box.top });
      return;
    }
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < CLICK_SLOP) return;
    drag.moved = true;
    this.#callbacks.hover(null);
    const span = drag.range.end - drag.range.start;
    this.#range = panRange(drag.range, (-dx / Math.max(1, this.#width - GUTTER)) * span);
    this.#follow = false;
    this.#scroller.scrollTop = drag.scrollTop - dy;
    this.requestDraw();
  };

  readonly #onPointerUp = (event: PointerEvent): void => {
    const drag = this.#drag;
    this.#drag = null;
    if (drag === null || drag.moved) return;
    const line = this.#lineAt(event.clientY);
    if (line === null) return;
    this.#moveFocus(line);
    this.#callbacks.activate(line);
  };

  readonly #onKeyDown = (event: KeyboardEvent): void => {
    const span = this.#range.end - this.#range.start;
    const page = Math.max(1, this.#visible.last - this.#visible.first - 1);
    const focus = this.#focusLine ?? this.#visible.first;
    switch (event.key) {
      case '+':
      case '=':
        this.zoom(0.5);
        break;
      case '-':
      case '_':
        this.zoom(2);
        break;
      case 'ArrowLeft':
        this.pan(-span * (event.shiftKey ? 0.5 : 0.1));
        break;
      case 'ArrowRight':
        this.pan(span * (event.shiftKey ? 0.5 : 0.1));
        break;
      case 'ArrowUp':
        this.#moveFocus(focus - 1);
        break;
      case 'ArrowDown':
        this.#moveFocus(focus + 1);
        break;
      case 'PageUp':
        this.#moveFocus(focus - page);
        break;
      case 'PageDown':
        this.#moveFocus(focus + page);
        break;
      case 'Home':
        this.pan(-this.#range.start);
        break;
      case 'End':
        this.pan(this.#fit().end - this.#range.end);
        break;
      case '0':
        this.fit();
        break;
      case 'Enter':
      case ' ':
        if (this.#focusLine !== null) this.#callbacks.activate(this.#focusLine);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  /** Moves the keyboard cursor, scrolling its line into view. */
  #moveFocus(line: number): void {
    const lines = this.#model?.rows.lines ?? 0;
    if (lines === 0) return;
    const next = Math.min(Math.max(line, 0), lines - 1);
    this.#focusLine = next;
    const top = next * LINE_PITCH;
    const room = this.#scroller.clientHeight - AXIS_HEIGHT;
    if (top < this.#scroller.scrollTop) this.#scroller.scrollTop = top;
    else if (top + LINE_PITCH > this.#scroller.scrollTop + room) this.#scroller.scrollTop = top + LINE_PITCH - room;
    this.#callbacks.focus(next);
    this.requestDraw();
  }

  #listen<K extends keyof HTMLElementEventMap>(
    target: HTMLElement,
    type: K,
    listener: (event: HTMLElementEventMap[K]) => void,
    options?: AddEventListenerOptions,
  ): void {
    target.addEventListener(type, listener, options);
    this.#cleanup.push(() => target.removeEventListener(type, listener, options));
  }
}
