// The API e2e/pages/app.js puts on window, for page.evaluate callbacks.
export type AppType = 'Widget' | 'Store' | 'Subscription' | 'Marker';

declare global {
  interface Window {
    create(name: AppType, n?: number, bundle?: unknown): number;
    drop(name: AppType, n?: number): number;
    setBundle(name: AppType, index: number, bundle: unknown): void;
    localCounts(): Record<string, { live: number; retired: number }>;
    startStream(name: AppType, everyMs?: number): void;
    streamed(): number;
    stopStream(): number;
    trackObjects(name: AppType, enable?: boolean): void;
    /** The instances create() keeps alive, per type, oldest first. */
    kept: Record<AppType, object[]>;
    /** The page's PostMessageTracker. */
    trackablesTracker: { session: string };
  }
}
