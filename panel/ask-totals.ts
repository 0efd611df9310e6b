/*
 * Asks the inspected page's agents for their running totals (docs/protocol.md, "Totals"): an
 * agent stops listening for the content script once one answered, so a panel opened late (after
 * the worker evicted history, or after the agent's buffer overflowed) asks through DevTools'
 * eval, in the page's main world, where the agents keep their announcers.
 */
import { ANNOUNCE_SCRIPT } from '../agent/protocol/messages.js';
import type { InspectedWindow } from './reveal.js';

/**
 * Evaluates ANNOUNCE_SCRIPT in the top frame and in each iframe of `frameUrls` (Chrome's eval
 * takes a frameURL; where it does not, the iframes' counts stay as the events made them). The
 * answers come back as agent messages on the usual path. Never throws.
 */
export function askForTotals(window: InspectedWindow | null, frameUrls: readonly string[] = []): void {
  if (window === null) return;
  const ignore = (): void => undefined;
  try {
    window.eval(ANNOUNCE_SCRIPT, {}, ignore);
    for (const frameURL of new Set(frameUrls)) window.eval(ANNOUNCE_SCRIPT, { frameURL }, ignore);
  } catch {
    // An eval refused outright (a closed DevTools window): the counts stay as the events made them.
  }
}
