import * as v from 'valibot';

/*
 * Retainer paths in a recording (format version 3): what held each instance still alive when
 * `npm run record -- <url> --why` ended, as `whyAlive` found it. The shape and its validator
 * in one place; docs/recording-format.md describes it in prose.
 */

const step = v.looseObject({
  holder: v.string(),
  edge: v.string(),
  edgeType: v.string(),
  kind: v.string(),
});

const retainer = v.looseObject({
  serial: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  type: v.string(),
  /** `alive`: held; `unreachable`: nothing strong held it (the next collection frees it). */
  status: v.picklist(['alive', 'unreachable']),
  /** Whether the agent had reported it detached from its tracker (then it was no longer counted live). */
  detached: v.boolean(),
  steps: v.array(step),
  lines: v.array(v.string()),
  /** Set when only the recording harness held it. */
  harness: v.optional(v.looseObject({ kind: v.string(), text: v.string(), fix: v.string() })),
});

/** The schema of a session's `retainers` (version 3 and later). */
export const recordedRetainers = v.array(retainer);

/** What held one instance at the end of a recording. */
export type RecordedRetainer = v.InferOutput<typeof retainer>;
