/**
 * `trackables/opentelemetry`: per-type instance counts and lifetimes as OpenTelemetry metrics.
 * Needs `@opentelemetry/api` (the app chooses the SDK and exporter).
 * @packageDocumentation
 */
export { OpenTelemetryTracker, OVERFLOW_TYPE, TYPE_ATTRIBUTE, type OpenTelemetryTrackerOptions } from './opentelemetry-tracker.js';
