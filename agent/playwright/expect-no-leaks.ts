import type { Page } from '@playwright/test';
import { attachmentOf, attachTrackables, type TrackablesAttachment } from './attach.js';
import { findLeaks, formatLeakReport, type LeakRuleOptions, type LiveInstance } from './counts.js';
import { formatPath } from './heap/why-alive.js';

/** Options of {@link expectNoLeaks}. */
export interface ExpectNoLeaksOptions extends LeakRuleOptions {
  /** Runs of the action after the warm-up run. Default 5; at least 2. */
  iterations?: number;
  /** Instances shown per leaked type in the failure message. Default 3. */
  samples?: number;
  /**
   * Show under each instance shown what keeps it alive (its retainer path, from one heap
   * snapshot for the whole check). Default true; false skips the snapshot.
   */
  retainers?: boolean;
}

const DEFAULT_ITERATIONS = 5;
const DEFAULT_SAMPLES = 3;

/**
 * Fails when repeating `action` keeps objects alive. Runs `action` once to warm up (caches,
 * lazy singletons), then `iterations` more times, forcing a garbage collection after each, and
 * throws when a type's live count kept growing (see `findLeaks` for the exact rule), naming each
 * such type with its live counts per run and a few instances that stayed alive, with bundles
 * and what holds each (see {@link ExpectNoLeaksOptions.retainers}).
 *
 * Uses the page's current {@link attachTrackables} attachment, or attaches for the duration of
 * the check. Chromium only: other browsers cannot be made to collect garbage, so it throws.
 * The action must not load a new document: counts are per page load.
 *
 * ```ts
 * await expectNoLeaks(page, async () => {
 *   await page.getByRole('button', { name: 'To-dos' }).click();
 *   await page.getByRole('button', { name: 'About' }).click();
 * });
 * ```
 */
export async function expectNoLeaks(page: Page, action: () => Promise<void> | void, options: ExpectNoLeaksOptions = {}): Promise<void> {
  const iterations = Math.max(2, Math.floor(options.iterations ?? DEFAULT_ITERATIONS));
  const existing = attachmentOf(page);
  const trackables = existing ?? (await attachTrackables(page));
  try {
    await action();
    await trackables.collectGarbage();
    const baseline = await trackables.snapshot({ serials: true });
    if (baseline.session === null) {
      throw new Error('Trackables: no agent reported from this page, so nothing can be checked for leaks. Is a PostMessageTracker the global tracker?');
    }
    const live = [liveCounts(baseline.types)];
    // When each run's collection ended (page and test share the clock): which run released a sample.
    const runEnds = [Date.now()];
    let last = baseline;
    for (let run = 0; run < iterations; run++) {
      await action();
      await trackables.collectGarbage();
      runEnds.push(Date.now());
      last = await trackables.snapshot({ serials: run === iterations - 1 });
      if (last.session !== baseline.session) {
        throw new Error('Trackables: the page loaded a new document during the leak check; the action must stay on one page load.');
      }
      live.push(liveCounts(last.types));
    }
    const leaks = findLeaks(live, options);
    if (leaks.length === 0) return;
    const limit = options.samples ?? DEFAULT_SAMPLES;
    const samples = new Map<string, LiveInstance[]>();
    for (const { type } of leaks) {
      const before = new Set(baseline.types[type]?.serials?.map((instance) => instance.serial));
      const stayed = (last.types[type]?.serials ?? []).filter((instance) => !before.has(instance.serial));
      samples.set(type, stayed.slice(-limit));
    }
    const retainers = options.retainers === false ? undefined : await retainerTexts(trackables, [...samples.values()].flat());
    throw new Error(formatLeakReport(leaks, samples, iterations, retainers, runEnds));
  } finally {
    if (existing === undefined) await trackables.detach();
  }
}

/** Each sample's retainer path as text, indented for the report; a failure says why in one line. */
async function retainerTexts(trackables: TrackablesAttachment, instances: LiveInstance[]): Promise<Map<number, string>> {
  const texts = new Map<number, string>();
  if (instances.length === 0) return texts;
  try {
    for (const answer of await trackables.whyAlive(instances.map((instance) => instance.serial))) {
      texts.set(answer.serial, answer.status === 'alive' ? formatPath(answer.path, RETAINER_INDENT) : answer.text);
    }
  } catch (error) {
    const reason = `(no retainer path: ${error instanceof Error ? error.message : String(error)})`;
    for (const instance of instances) texts.set(instance.serial, reason);
  }
  return texts;
}

const RETAINER_INDENT = '      ';

function liveCounts(types: Record<string, { live: number }>): Record<string, number> {
  return Object.fromEntries(Object.entries(types).map(([type, counts]) => [type, counts.live]));
}
