/**
 * The item a key moves to in a WAI-ARIA composite widget (tabs, menus): the arrow keys of its
 * orientation step and wrap around, Home and End go to the first and the last; null for any
 * other key. `index` is the current item's (-1: none, so a step forward reaches the first).
 */
export function rovingIndex(key: string, index: number, count: number, orientation: 'horizontal' | 'vertical'): number | null {
  const [back, forward] = orientation === 'horizontal' ? ['ArrowLeft', 'ArrowRight'] : ['ArrowUp', 'ArrowDown'];
  if (key === forward) return (index + 1) % count;
  if (key === back) return (index - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}
