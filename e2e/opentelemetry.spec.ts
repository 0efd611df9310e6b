// trackables/opentelemetry in real Chromium: a page bundled with the OpenTelemetry SDK and the
// OTLP/HTTP metrics exporter sends to a receiver this test runs on 127.0.0.1 (another origin, so
// the exporter's CORS preflight is part of the test). No extension: plain Chromium.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, expect, test } from '@playwright/test';
import { build } from 'esbuild';
import type { OpenTelemetryPage } from './opentelemetry-page.js';
import { BASE_ARGS, CHROMIUM } from './harness.js';

interface OtlpPoint {
  attributes: { key: string; value: { stringValue?: string } }[];
  asInt?: number | string;
  count?: number | string;
}
interface OtlpMetric {
  name: string;
  unit?: string;
  sum?: { dataPoints: OtlpPoint[]; isMonotonic?: boolean };
  histogram?: { dataPoints: OtlpPoint[] };
}
interface OtlpRequest {
  resourceMetrics: { resource: { attributes: OtlpPoint['attributes'] }; scopeMetrics: { scope: { name: string }; metrics: OtlpMetric[] }[] }[];
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** Per type: the latest exported value of each instrument (sums' values, histograms' counts). */
function valuesByType(request: OtlpRequest): Record<string, Record<string, number>> {
  const values: Record<string, Record<string, number>> = {};
  for (const resource of request.resourceMetrics) {
    for (const scope of resource.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (const point of metric.sum?.dataPoints ?? metric.histogram?.dataPoints ?? []) {
          const type = point.attributes.find((a) => a.key === 'trackables.type')?.value.stringValue ?? '?';
          (values[type] ??= {})[metric.name] = Number(metric.sum ? point.asInt : point.count);
        }
      }
    }
  }
  return values;
}

test('per-type counts, counters and lifetimes reach an OTLP/HTTP receiver after GC', async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./opentelemetry-page.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'error',
  });
  const script = bundle.outputFiles[0]!.contents;
  const pages = createServer((request, response) => {
    if (request.url === '/app.js') {
      response.setHeader('content-type', 'text/javascript');
      response.end(script);
    } else {
      response.setHeader('content-type', 'text/html');
      response.end('<!doctype html><title>loading</title><script type="module" src="/app.js"></script>');
    }
  });

  const received: OtlpRequest[] = [];
  const seen = { preflights: 0, contentTypes: new Set<string>() };
  const receiver = createServer((request, response) => {
    // The page is another origin: the JSON POST needs a preflight, and the answer must allow it.
    response.setHeader('access-control-allow-origin', request.headers.origin ?? '*');
    if (request.method === 'OPTIONS') {
      seen.preflights++;
      response.setHeader('access-control-allow-methods', 'POST');
      response.setHeader('access-control-allow-headers', request.headers['access-control-request-headers'] ?? 'content-type');
      response.end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.contentTypes.add(String(request.headers['content-type']));
      if (request.url === '/v1/metrics') received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest);
      response.setHeader('content-type', 'application/json');
      response.end('{}');
    });
  });
  const pageOrigin = await listen(pages);
  const receiverOrigin = await listen(receiver);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`${pageOrigin}/?receiver=${encodeURIComponent(receiverOrigin)}`);
    await expect(page).toHaveTitle('ready');
    const cdp = await page.context().newCDPSession(page);

    await page.evaluate(() => {
      const app = (window as unknown as { otelPage: OpenTelemetryPage }).otelPage;
      app.make('Widget', 40, true);
      app.make('Widget', 60, false);
      app.make('Dialog', 7, false);
    });
    // Destroyed notifications arrive after a full collection, in a later task: collect and export
    // until the receiver has the retirements.
    await expect
      .poll(
        async () => {
          await cdp.send('HeapProfiler.collectGarbage');
          await page.evaluate(() => (window as unknown as { otelPage: OpenTelemetryPage }).otelPage.flush());
          const last = received.at(-1);
          return last === undefined ? {} : valuesByType(last);
        },
        { timeout: 30_000 },
      )
      .toEqual({
        Widget: {
          'trackables.instance.count': 40,
          'trackables.instance.created': 100,
          'trackables.instance.retired': 60,
          'trackables.instance.lifetime': 60,
        },
        SettingsDialog: {
          'trackables.instance.count': 0,
          'trackables.instance.created': 7,
          'trackables.instance.retired': 7,
          'trackables.instance.lifetime': 7,
        },
      });

    const last = received.at(-1)!;
    const resource = last.resourceMetrics[0]!;
    expect(resource.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'trackables-e2e' } });
    const metrics = new Map(resource.scopeMetrics.find((s) => s.scope.name === 'trackables')!.metrics.map((m) => [m.name, m]));
    expect(metrics.get('trackables.instance.count')!.unit).toBe('{instance}');
    expect(metrics.get('trackables.instance.count')!.sum!.isMonotonic).toBeFalsy();
    expect(metrics.get('trackables.instance.created')!.sum!.isMonotonic).toBe(true);
    expect(metrics.get('trackables.instance.lifetime')!.unit).toBe('s');
    expect(seen.preflights).toBeGreaterThan(0);
    expect([...seen.contentTypes]).toEqual(['application/json']);
  } finally {
    await browser.close();
    pages.close();
    receiver.close();
  }
});
