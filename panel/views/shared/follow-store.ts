import type uPlot from 'uplot';
import type { PanelStore, StoreTopic } from '../../store/panel-store.js';

/**
 * Feeds `chart` now and whenever one of `topics` changes (`sync`), keeps it the size of `plot`,
 * and returns the effect's cleanup, which also destroys the chart.
 */
export function followStore(chart: uPlot, plot: HTMLElement, store: PanelStore, topics: readonly StoreTopic[], sync: () => void): () => void {
  sync();
  const unsubscribe = topics.map((topic) => store.subscribe(topic, sync));
  const resize = new ResizeObserver(() => chart.setSize({ width: plot.clientWidth, height: plot.clientHeight }));
  resize.observe(plot);
  return () => {
    unsubscribe.forEach((stop) => stop());
    resize.disconnect();
    chart.destroy();
  };
}
