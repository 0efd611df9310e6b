// The API e2e/pages/flood.html puts on window, for page.evaluate callbacks.
import type { PostMessageTrackerStats } from '../agent/post-message/post-message-tracker.js';

export interface FloodHealth {
  /** setTimeout heartbeats (every ~10 ms) since watch(). */
  beats: number;
  /** Longest gap between two heartbeats, ms. */
  maxGapMs: number;
  /** Long tasks (over 50 ms) reported by the Long Tasks API, and the longest. */
  longTasks: number;
  longestTaskMs: number;
}

export interface FloodRun extends FloodHealth {
  /** From the run's start until its last task ran, ms. */
  wallMs: number;
}

export interface FloodCounts {
  tasks: number;
  created: number;
  /** setDataBundle calls (one updated event each). */
  updated: number;
  /** Instances let go so far (each a destroyed event once collected). */
  released: number;
}

export interface FloodApi {
  run(tasks: number, created: number, spreadMs: number): Promise<FloodRun>;
  startChurn(created: number, everyMs: number): void;
  stopChurn(): void;
  watch(): void;
  health(): FloodHealth;
  resetHealth(): void;
  counts(): FloodCounts;
  release(): void;
  localCounts(): Record<string, { live: number; retired: number }>;
  stats(): Promise<PostMessageTrackerStats>;
}

declare global {
  interface Window {
    flood: FloodApi;
  }
}
