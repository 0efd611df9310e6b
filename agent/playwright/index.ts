/**
 * `trackables/playwright`: read the Trackables agent of a page from Playwright tests and
 * scripts (counts, forced garbage collection, leak checks, recordings), with or without the
 * DevTools extension. Needs `@playwright/test`; garbage collection needs Chromium.
 * @packageDocumentation
 */
export {
  attachTrackables,
  type AttachmentStats,
  type RecordingHandle,
  type SessionInfo,
  type Snapshot,
  type SnapshotOptions,
  type TrackablesAttachment,
} from './attach.js';
export { expectNoLeaks, type ExpectNoLeaksOptions } from './expect-no-leaks.js';
export { findLeaks, formatLeakReport, type Leak, type LeakRuleOptions, type LeakSamples, type LiveInstance, type TypeCounts } from './counts.js';
export {
  checkRecording,
  RECORDING_FORMAT,
  RECORDING_VERSION,
  type RecordedSession,
  type Recording,
} from '../protocol/recording.js';
export type { WhyAliveAnswer } from './heap/why-alive.js';
export type { PathStep, RetainerPath, StepKind } from './heap/describe-path.js';
export type { HarnessHolder } from './heap/harness-holders.js';
export { recordRetainers } from './heap/record-retainers.js';
