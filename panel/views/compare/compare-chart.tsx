import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { countsOf, type PanelStore } from '../../store/panel-store.js';
import type { Session } from '../../store/session.js';
import { cssColor, stepped, themedAxis } from '../shared/chart-style.js';
import { followStore } from '../shared/follow-store.js';
import type { Theme } from '../shared/theme.js';

const MIN_SPAN_S = 10;

/** A session's live count of `type` against seconds since the session started. */
function fromStart(session: Session, type: string): uPlot.AlignedData {
  const { times, values } = session.series;
  const start = session.startTime / 1000;
  const ys = values.get(type);
  // A type the session never reported had no live instances in it.
  return [times.map((time) => time - start), ys === undefined ? times.map(() => 0) : [...ys]];
}

interface Props {
  store: PanelStore;
  baseline: Session;
  target: Session;
  type: string;
  theme: Theme;
}

/**
 * The live count of one type in both compared sessions, overlaid from each session's start (uPlot),
 * so the same moment after a page load lines up. Built once per pair, type and theme; store
 * flushes that change either session's counts only set new data.
 */
export function CompareChart({ store, baseline, target, type, theme }: Props) {
  const plotRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const plot = plotRef.current;
    const legend = legendRef.current;
    if (plot === null || legend === null) return;
    const axis = themedAxis(plot);
    const line = (label: string, stroke: string): uPlot.Series => ({ label, stroke, width: 1.5, points: { show: false }, paths: stepped, spanGaps: true });
    const chart = new uPlot(
      {
        width: plot.clientWidth,
        height: plot.clientHeight,
        scales: { x: { time: false, range: (_, min, max) => [Math.min(0, min), Math.max(max, MIN_SPAN_S)] } },
        series: [{ label: 's since start' }, line('Baseline', cssColor(plot, '--text-muted')), line('Target', cssColor(plot, '--accent'))],
        axes: [{ ...axis, label: 'seconds since session start' }, { ...axis, label: 'live' }],
        legend: { live: true, mount: (_, element) => legend.appendChild(element) },
        cursor: { drag: { x: true, y: false } },
      },
      [[]],
      plot,
    );
    const sync = (): void => chart.setData(uPlot.join([fromStart(baseline, type), fromStart(target, type)]));
    return followStore(chart, plot, store, [countsOf(baseline.id), countsOf(target.id)], sync);
  }, [store, baseline, target, type, theme]);

  return (
    <section className="compare-chart" aria-label={`Live ${type} in both sessions`}>
      <h2>
        Live <code>{type}</code> in the baseline and the target, from each session's start
      </h2>
      <div className="chart">
        <div className="plot" ref={plotRef} role="img" aria-label={`Live count of ${type} over time in the baseline and target sessions`} />
        <div className="legend" ref={legendRef} />
      </div>
    </section>
  );
}
