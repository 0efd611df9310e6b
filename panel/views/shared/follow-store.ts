import type uPlot from 'uplot';
import type { PanelStore } from '../../store/panel-store.js';

/**
 * Feeds `chart` now and on every store change (`sync`), keeps it the size of `plot`, and returns
 * the effect's cleanup, which also destroys the chart.
 */
export function followStore(chart: uPlot, plot: HTMLElement, store: PanelStore, sync: () => void): () => void {
  sync();
  const unsubscribe = store.subscribe(sync);
  const resize = new ResizeObserver(() => chart.setSize({ width: plot.clientWidth, height: plot.clientHeight }));
  resize.observe(plot);
  return () => {
    unsubscribe();
    resize.disconnect();
    chart.destroy();
  };
}
