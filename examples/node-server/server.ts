/*
 * A long-running HTTP server whose own classes are trackable, exporting per-type counts and
 * lifetimes through OpenTelemetry's Prometheus exporter on /metrics, with a switch that adds a
 * real leak (every request's context kept in an "audit log" nobody trims). See README.md.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Trackable, Tracker, setGlobalTracker } from '../../agent/index.js';
import { dumpOnSignal } from '../../agent/node/index.js';
import { OpenTelemetryTracker } from '../../agent/opentelemetry/index.js';

// The app owns the SDK and the exporter; Trackables only needs the MeterProvider. The exporter's
// own server is not started: /metrics is served by the app's server below.
const exporter = new PrometheusExporter({ preventServerStart: true });
const meterProvider = new MeterProvider({ readers: [exporter] });

// Counts for `kill -USR2 <pid>` too, behind the exporter.
const counts = new Tracker();
setGlobalTracker(new OpenTelemetryTracker({ meterProvider, forward: counts }));
dumpOnSignal(counts);

/** What one request carries while it is handled. */
class RequestContext extends Trackable {
  readonly started = Date.now();
  // Enough per request that a leak shows in the process's memory too, not only in the counts.
  readonly scratch = new Array<number>(256).fill(0);
  constructor(readonly path: string) {
    super();
  }
}

/** A user's session: a few live at any time, each for a few requests. */
class Session extends Trackable {
  requests = 0;
}

let leaking = process.env.LEAK === '1';
/** The leak: an audit log meant to be flushed, which keeps every request's context instead. */
const auditLog: RequestContext[] = [];
const sessions = new Map<number, Session>();
let served = 0;

function handle(request: IncomingMessage): string {
  const context = new RequestContext(request.url ?? '/');
  if (leaking) auditLog.push(context);
  // Sessions rotate: at most 5 live, each retired after 10 requests.
  const id = served++ % 5;
  let session = sessions.get(id);
  if (session === undefined || session.requests >= 10) sessions.set(id, (session = new Session()));
  session.requests++;
  return `hello from request ${served}\n`;
}

async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === '/metrics') return exporter.getMetricsRequestHandler(request, response);
  if (url.pathname === '/leak' && request.method === 'POST') {
    leaking = url.searchParams.get('on') !== '0';
    response.end(`leak ${leaking ? 'on' : 'off'}\n`);
    return;
  }
  // Only with `node --expose-gc`, which no production server runs with: lets the test see
  // retirements at once instead of whenever V8 next runs a full collection.
  if (url.pathname === '/gc' && request.method === 'POST' && typeof globalThis.gc === 'function') {
    globalThis.gc();
    // Finalization callbacks run in a later task.
    await new Promise((resolve) => setTimeout(resolve, 10));
    response.end('collected\n');
    return;
  }
  if (url.pathname === '/') {
    response.end(handle(request));
    return;
  }
  response.statusCode = 404;
  response.end('not found\n');
}

const server = createServer((request, response) => {
  route(request, response).catch((error: unknown) => {
    response.statusCode = 500;
    response.end(String(error));
  });
});
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : address;
  console.log(`listening on http://${process.env.HOST ?? '127.0.0.1'}:${port} (leak ${leaking ? 'on' : 'off'}, pid ${process.pid})`);
});
