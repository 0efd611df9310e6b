import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { countsOf, type PanelStore } from '../../store/panel-store.js';
import type { Session } from '../../store/session.js';
import { stepped, themedAxis } from '../shared/chart-style.js';
import { followStore } from '../shared/follow-store.js';
import type { Theme } from '../shared/theme.js';

const MIN_SPAN_S = 10;
const PALETTE = ['#1a73e8', '#e8710a', '#188038', '#d93025', '#9334e6', '#12b5cb', '#e52592', '#f9ab00', '#7cb342', '#5f6368'];

function seriesOptions(type: string, index: number): uPlot.Series {
  // 1 px: a hairline, which Chrome's software rasterizer strokes far more cheaply than 1.5 px,
  // and at 50,000 events/s the chart redraws every frame (the panel went from ~80 % to ~40 %
  // busy: docs/BENCHMARKS.md, live chart).
  return { label: type, stroke: PALETTE[index % PALETTE.length]!, width: 1, points: { show: false }, paths: stepped };
}

interface Props {
  store: PanelStore;
  session: Session;
  /** Canvas colours come from CSS variables read once: a theme change redraws from scratch. */
  theme: Theme;
}

/**
 * Live count per type over time (uPlot). The chart is built once per session and theme; changes
 * of the session's counts (told at most once per animation frame) only add new types' series and
 * call setData, without a React render.
 */
export function LiveChart({ store, session, theme }: Props) {
  const plotRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const plot = plotRef.current;
    const legend = legendRef.current;
    if (plot === null || legend === null) return;
    const axis = themedAxis(plot);
    const chart = new uPlot(
      {
        width: plot.clientWidth,
        height: plot.clientHeight,
        // At least MIN_SPAN_S wide: a session with one sample would otherwise span years of axis.
        scales: { x: { time: true, range: (_, min, max) => [Math.min(min, max - MIN_SPAN_S), max] } },
        series: [{ label: 'Time' }],
        axes: [axis, { ...axis, label: 'live' }],
        legend: { live: true, mount: (_, element) => legend.appendChild(element) },
        cursor: { drag: { x: true, y: false } },
      },
      [[]],
      plot,
    );
    const shown: string[] = [];
    const sync = (): void => {
      const { times, values } = session.series;
      if (values.size > shown.length) {
        for (const type of [...values.keys()].slice(shown.length)) {
          chart.addSeries(seriesOptions(type, shown.length), shown.length + 1);
          shown.push(type);
        }
      }
      // uPlot only reads the arrays; handing over the store's own saves a copy per frame.
      chart.setData([times, ...shown.map((type) => values.get(type) as number[])]);
    };
    return followStore(chart, plot, store, [countsOf(session.id)], sync);
  }, [store, session, theme]);

  return (
    <div className="chart" role="figure" aria-label="Live instances per type over time">
      <div className="plot" ref={plotRef} />
      <div className="legend" ref={legendRef} />
    </div>
  );
}
