import uPlot from 'uplot';

/** Counts change in steps: a count holds until the next sample. */
export const stepped = uPlot.paths.stepped?.({ align: 1 });

/** A theme colour from a CSS variable, as canvas drawing needs it (read once per chart). */
export function cssColor(element: Element, name: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim();
}

/** An axis in the theme's muted text and grid colours. */
export function themedAxis(element: Element): uPlot.Axis {
  const grid = cssColor(element, '--grid');
  return { stroke: cssColor(element, '--text-muted'), grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
}
