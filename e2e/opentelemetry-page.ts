/*
 * The page of opentelemetry.spec.ts, bundled by the test with esbuild: an app with its own
 * OpenTelemetry SDK exporting over OTLP/HTTP (JSON) to the receiver named in `?receiver=`, with
 * an OpenTelemetryTracker as global tracker, in front of a PostMessageTracker as a real app would.
 */
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { PostMessageTracker, Trackable, setGlobalTracker } from '../agent/index.js';
import { OpenTelemetryTracker } from '../agent/opentelemetry/index.js';

const receiver = new URLSearchParams(location.search).get('receiver');
if (receiver === null) throw new Error('open this page with ?receiver=<origin>');

const meterProvider = new MeterProvider({
  resource: resourceFromAttributes({ 'service.name': 'trackables-e2e' }),
  readers: [
    new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${receiver}/v1/metrics` }),
      // The test exports with forceFlush; the timer is the production path.
      exportIntervalMillis: 60_000,
    }),
  ],
});
setGlobalTracker(new OpenTelemetryTracker({ meterProvider, forward: new PostMessageTracker() }));

class Widget extends Trackable {}
class Dialog extends Trackable {
  static override trackingName = 'SettingsDialog';
}

const kept: Trackable[] = [];
const types = { Widget, Dialog };

export interface OpenTelemetryPage {
  /** Makes `count` instances; keeps them when `keep`, else drops them at once. */
  make(type: keyof typeof types, count: number, keep: boolean): void;
  /** Exports now; resolves when the receiver answered. */
  flush(): Promise<void>;
}

(window as unknown as { otelPage: OpenTelemetryPage }).otelPage = {
  make(type, count, keep) {
    for (let i = 0; i < count; i++) {
      const instance = new types[type]();
      if (keep) kept.push(instance);
    }
  },
  flush: () => meterProvider.forceFlush(),
};
document.title = 'ready';
