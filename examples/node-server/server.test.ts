import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const server = fileURLToPath(new URL('./server.ts', import.meta.url));

/** The value of one exposition line, e.g. sample(text, 'trackables_instance_count', 'Session'). */
function sample(exposition: string, metric: string, type: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${metric}{trackables_type="${type}",`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('the example server exports per-type counts on /metrics, and the leak shows in them', { timeout: 120_000 }, async () => {
  // --expose-gc turns on the server's /gc endpoint, so retirements show without waiting for V8.
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', server], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LEAK: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    child.stdout.setEncoding('utf8');
    let output = '';
    const origin = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${output}`)));
    });
    const get = async (path: string, method = 'GET') => {
      const response = await fetch(origin + path, { method });
      assert.equal(response.status, 200, `${method} ${path}`);
      return response.text();
    };
    /** Collects in the server, then scrapes, until `done` holds (finalizers run in later tasks). */
    const scrapeAfterGc = async (done: (text: string) => boolean): Promise<string> => {
      let text = '';
      for (let round = 0; round < 50; round++) {
        await get('/gc', 'POST');
        text = await get('/metrics');
        if (done(text)) return text;
      }
      assert.fail(`never held; last scrape:\n${text}`);
    };

    for (let i = 0; i < 30; i++) await get('/');
    let text = await scrapeAfterGc((t) => sample(t, 'trackables_instance_retired_total', 'RequestContext') === 30);
    assert.match(text, /# TYPE trackables_instance_count gauge\n/);
    assert.match(text, /# UNIT trackables_instance_count \{instance\}\n/);
    assert.match(text, /# TYPE trackables_instance_created_total counter\n/);
    assert.match(text, /# TYPE trackables_instance_lifetime histogram\n/);
    assert.match(text, /# UNIT trackables_instance_lifetime s\n/);
    assert.equal(sample(text, 'trackables_instance_count', 'RequestContext'), 0, 'no leak: every request context was collected');
    assert.equal(sample(text, 'trackables_instance_created_total', 'RequestContext'), 30);
    assert.equal(sample(text, 'trackables_instance_lifetime_count', 'RequestContext'), 30);
    assert.equal(sample(text, 'trackables_instance_count', 'Session'), 5);

    assert.equal(await get('/leak?on=1', 'POST'), 'leak on\n');
    for (let i = 0; i < 30; i++) await get('/');
    text = await scrapeAfterGc((t) => sample(t, 'trackables_instance_created_total', 'RequestContext') === 60 && sample(t, 'trackables_instance_retired_total', 'Session') === 5);
    assert.equal(sample(text, 'trackables_instance_count', 'RequestContext'), 30, 'the leak: every context since the switch is still alive');
    assert.equal(sample(text, 'trackables_instance_retired_total', 'RequestContext'), 30, 'none retired since the switch');
    assert.equal(sample(text, 'trackables_instance_lifetime_count', 'RequestContext'), 30);
    assert.equal(sample(text, 'trackables_instance_count', 'Session'), 5, 'sessions rotate as before');
  } finally {
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  }
});
