import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Tracker } from '../tracker.js';
import { dumpOnSignal } from './dump-on-signal.js';

const child = fileURLToPath(new URL('../test-support/dump-on-signal-child.ts', import.meta.url));

/** Collects a stream's text and resolves when it contains `what`. */
function watch(stream: NodeJS.ReadableStream) {
  let text = '';
  const waiters: { what: RegExp; resolve: () => void }[] = [];
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
    for (const waiter of waiters.splice(0)) {
      if (waiter.what.test(text)) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  return {
    get text() {
      return text;
    },
    until(what: RegExp): Promise<void> {
      if (what.test(text)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ what, resolve }));
    },
  };
}

function start(): { process: ChildProcessWithoutNullStreams; stdout: ReturnType<typeof watch>; stderr: ReturnType<typeof watch> } {
  const process = spawn(globalThis.process.execPath, ['--import', 'tsx', child], { stdio: 'pipe' });
  return { process, stdout: watch(process.stdout), stderr: watch(process.stderr) };
}

test('a real child process dumps its tracker on SIGUSR2, with changes, until the handler is removed', { timeout: 60_000 }, async () => {
  const { process, stdout, stderr } = start();
  try {
    await stdout.until(/ready/);
    process.kill('SIGUSR2');
    await stderr.until(/Socket/);
    assert.match(stderr.text, /^Session\s+allocated: 2\s+retired: 0\nSocket\s+allocated: 1\s+retired: 0\n/);

    process.stdin.write('more\n');
    await stdout.until(/done more/);
    process.kill('SIGUSR2');
    await stderr.until(/allocated: 5 \(\+3\)/);
    assert.match(stderr.text, /\nSession\s+allocated: 5 \(\+3\)\s+retired: 0\nSocket\s+allocated: 1\s+retired: 0\n$/);

    // Removed, SIGUSR2 has its default action again: the process ends by the signal.
    process.stdin.write('remove\n');
    await stdout.until(/done remove/);
    const exited = once(process, 'exit');
    process.kill('SIGUSR2');
    const [code, signal] = (await exited) as [number | null, string | null];
    assert.deepEqual({ code, signal }, { code: null, signal: 'SIGUSR2' });
  } finally {
    process.kill('SIGKILL');
  }
});

test('write receives the dump; its errors are reported, not thrown', () => {
  const tracker = new Tracker();
  const written: string[] = [];
  const stop = dumpOnSignal(tracker, { signal: 'SIGUSR2', write: (text) => written.push(text) });
  try {
    globalThis.process.emit('SIGUSR2', 'SIGUSR2');
    assert.deepEqual(written, ['']);
  } finally {
    stop();
  }
  const reported: unknown[] = [];
  const original = globalThis.reportError;
  globalThis.reportError = (error: unknown) => reported.push(error);
  const stopThrowing = dumpOnSignal(tracker, {
    write: () => {
      throw new Error('disk full');
    },
  });
  try {
    globalThis.process.emit('SIGUSR2', 'SIGUSR2');
    assert.equal((reported[0] as Error).message, 'disk full');
  } finally {
    stopThrowing();
    globalThis.reportError = original;
  }
  assert.equal(globalThis.process.listenerCount('SIGUSR2'), 0, 'every handler removed');
});

test('bad arguments get a clear error', () => {
  assert.throws(() => dumpOnSignal({} as Tracker), /dump\(\) method/);
  assert.throws(() => dumpOnSignal(new Tracker(), { signal: 'usr2' }), /signal name/);
  assert.throws(() => dumpOnSignal(new Tracker(), { write: 'stderr' as never }), /write/);
});
