/** A visible span of time, in ms from the session's start. */
export interface TimeRange {
  readonly start: number;
  readonly end: number;
}

/** Narrowest span a zoom reaches: 1 ms across the plot. */
export const MIN_SPAN_MS = 1;
/** Narrowest span of a fitted view, so a session a moment old does not spread one event across the screen. */
export const MIN_FIT_MS = 1_000;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** Tick steps as people count time (uPlot's idea): 1-2-5 below a second, then clock units. */
const STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR,
];

/** The smallest step whose ticks are at least `minGap` px apart, and the ticks within `range`. */
export function axisTicks(range: TimeRange, width: number, minGap = 80): { step: number; times: number[] } {
  const span = range.end - range.start;
  const wanted = (span / Math.max(1, width)) * minGap;
  const step = STEPS.find((candidate) => candidate >= wanted) ?? Math.ceil(wanted / (24 * HOUR)) * 24 * HOUR;
  const times: number[] = [];
  for (let time = Math.ceil(range.start / step) * step; time <= range.end; time += step) times.push(time);
  return { step, times };
}

/** An axis label: seconds with the decimals the step needs below a second, else m:ss or h:mm:ss. */
export function formatTick(ms: number, step: number): string {
  const sign = ms < 0 ? '−' : '';
  const abs = Math.abs(ms);
  if (step < SECOND) return `${sign}${(abs / SECOND).toFixed(step >= 100 ? 1 : step >= 10 ? 2 : 3)} s`;
  return sign + clock(abs, false);
}

/** A time for the tooltip, to the ms: "+1.234 s", "+2:03.456". */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '−' : '+';
  const abs = Math.abs(ms);
  return abs < MINUTE ? `${sign}${(abs / SECOND).toFixed(3)} s` : sign + clock(abs, true);
}

function clock(ms: number, withMs: boolean): string {
  const hours = Math.floor(ms / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  const seconds = (ms % MINUTE) / SECOND;
  const secondsText = withMs ? seconds.toFixed(3).padStart(6, '0') : String(Math.round(seconds) % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secondsText}` : `${minutes}:${secondsText}`;
}

/** The range scaled by `factor` (< 1 zooms in) around `anchor`, which stays where it is on screen. */
export function zoomRange(range: TimeRange, anchor: number, factor: number, maxSpan: number): TimeRange {
  const span = range.end - range.start;
  const next = Math.min(Math.max(span * factor, MIN_SPAN_MS), Math.max(maxSpan, MIN_SPAN_MS));
  const start = anchor - ((anchor - range.start) / span) * next;
  return { start, end: start + next };
}

export function panRange(range: TimeRange, by: number): TimeRange {
  return { start: range.start + by, end: range.end + by };
}

/** Everything from the session's start to `end` (ms from the start), with a little room after it. */
export function fitRange(end: number): TimeRange {
  return { start: 0, end: Math.max(end * 1.02, MIN_FIT_MS) };
}
