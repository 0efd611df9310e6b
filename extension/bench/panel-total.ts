import type { Page } from '@playwright/test';

// Watching the panel's event total from a benchmark: when the number on screen reaches a target.

/**
 * Resolves when the panel's total-events text reaches `target` (with the epoch ms of the DOM
 * change), or when it stood still for `stallMs` (reachedAt null).
 */
export async function waitForTotal(panel: Page, target: number, stallMs: number): Promise<{ reachedAt: number | null; total: number }> {
  await armTotalWatch(panel, target, stallMs);
  return panel.evaluate(() => (window as unknown as { benchReached: Promise<{ reachedAt: number | null; total: number }> }).benchReached);
}

/** Starts watching the panel's total in the panel page; the result lands in window.benchReached. */
export async function armTotalWatch(panel: Page, target: number, stallMs: number): Promise<void> {
  // tsx compiles with esbuild's keepNames: the named functions below call its __name helper,
  // which the panel page lacks.
  await panel.evaluate('globalThis.__name ??= (fn) => fn');
  await panel.evaluate(
    ({ target, stallMs }) => {
      const read = (): number => Number(document.querySelector('[data-testid="total-events"]')?.textContent ?? Number.NaN);
      (window as unknown as { benchReached: Promise<unknown> }).benchReached = new Promise((resolve) => {
        let last = read();
        let lastChange = Date.now();
        const finish = (reachedAt: number | null): void => {
          observer.disconnect();
          clearInterval(stall);
          resolve({ reachedAt, total: read() });
        };
        // A mutation callback runs right after React's commit: the moment the number is on screen.
        const observer = new MutationObserver(() => {
          const total = read();
          if (total !== last) [last, lastChange] = [total, Date.now()];
          if (total >= target) finish(performance.timeOrigin + performance.now());
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        const stall = setInterval(() => {
          if (Date.now() - lastChange > stallMs) finish(null);
        }, 250);
        if (last >= target) finish(performance.timeOrigin + performance.now());
      });
    },
    { target, stallMs },
  );
}
