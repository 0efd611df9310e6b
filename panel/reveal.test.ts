import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createContext, runInContext } from 'node:vm';
import type { LookupResult } from '../agent/instance-lookup.js';
import { registerWithHook, type Finder } from '../agent/post-message/devtools-hook.js';
import { DEVTOOLS_HOOK } from '../agent/protocol/messages.js';
import { inspectedWindow, reveal, type EvalExceptionInfo, type InspectedWindow, type RevealRequest } from './reveal.js';

/**
 * chrome.devtools.inspectedWindow faked with a real evaluation: the expression runs in a fresh
 * realm standing for the page, with the Console's `inspect` and `console.log` recorded, and its
 * result crosses as JSON, as eval's does.
 */
function fakePage(setup: (window: Record<string, unknown>) => void = () => {}) {
  const logged: unknown[][] = [];
  const inspected: unknown[] = [];
  const calls: { expression: string; options: { frameURL?: string } }[] = [];
  const context = createContext({ console: { log: (...args: unknown[]) => logged.push(args) }, inspect: (value: unknown) => inspected.push(value) });
  setup(runInContext('globalThis', context) as Record<string, unknown>);
  const window: InspectedWindow = {
    tabId: 7,
    eval(expression, options, callback) {
      calls.push({ expression, options });
      let result: unknown;
      try {
        result = runInContext(expression, context);
      } catch (error) {
        return callback(undefined, { isException: true, value: String(error) });
      }
      callback(JSON.parse(JSON.stringify(result ?? null)));
    },
  };
  return { window, logged, inspected, calls };
}

const widget = { name: 'the widget' };
const request: RevealRequest = { session: 'session-1', serial: 12, type: 'Widget' };
/** The page's agent: session-1 finds `widget` as Widget #12. */
const agent = (answer: LookupResult = { status: 'found', instance: widget }) => (window: object) => {
  registerWithHook(window, 'session-1', (serial, type) => (serial === 12 && type === 'Widget' ? answer : { status: 'not-kept' }));
};

describe('reveal', () => {
  it('looks the instance up through the hook, logs it with a label and inspects it', async () => {
    const page = fakePage(agent());
    assert.deepEqual(await reveal(page.window, request), { kind: 'revealed' });
    assert.deepEqual(page.logged, [['Trackables: Widget #12', widget]]);
    assert.deepEqual(page.inspected, [widget]);
    assert.deepEqual(page.calls[0]!.options, {});
  });

  const child = 'http://127.0.0.1/child.html';
  const inFrame = (href: string) => (window: Record<string, unknown>) => {
    window['location'] = { href };
    agent()(window);
  };

  it("evaluates in the instance's frame when it comes from an iframe", async () => {
    const page = fakePage(inFrame(child));
    assert.deepEqual(await reveal(page.window, { ...request, frameUrl: child }), { kind: 'revealed' });
    assert.deepEqual(page.calls[0]!.options, { frameURL: child });
  });

  it('a DevTools that ignores frameURL (evaluates in the top frame) gives frame-unsupported, and reveals nothing', async () => {
    const page = fakePage(inFrame('http://127.0.0.1/index.html'));
    assert.deepEqual(await reveal(page.window, { ...request, frameUrl: child }), { kind: 'frame-unsupported' });
    assert.deepEqual([page.logged, page.inspected], [[], []]);
  });

  it("Firefox's refusal of the frameURL option gives frame-unsupported", async () => {
    // What Firefox 153's inspectedWindow.eval answers when given any option (measured).
    const refusal: EvalExceptionInfo = {
      isError: true,
      code: 'E_PROTOCOLERROR',
      description: 'Inspector protocol error: %s',
      details: ['The inspectedWindow.eval options are currently not supported'],
    };
    const firefox: InspectedWindow = { tabId: 7, eval: (_expression, options, callback) => callback(undefined, options.frameURL === undefined ? undefined : refusal) };
    assert.deepEqual(await reveal(firefox, { ...request, frameUrl: child }), { kind: 'frame-unsupported' });
    // Any other DevTools error stays a failure that quotes it.
    const lost: InspectedWindow = { tabId: 7, eval: (_expression, _options, callback) => callback(undefined, { isError: true, code: 'E_NOTFOUND', description: 'Frame not found' }) };
    assert.deepEqual(await reveal(lost, { ...request, frameUrl: child }), { kind: 'failed', message: 'DevTools could not evaluate in the page: Frame not found' });
  });

  it("says what the page's agent answered when it has no such instance", async () => {
    assert.deepEqual(await reveal(fakePage(agent({ status: 'collected' })).window, request), { kind: 'collected' });
    assert.deepEqual(await reveal(fakePage(agent({ status: 'not-kept' })).window, request), { kind: 'not-kept' });
    assert.deepEqual(await reveal(fakePage(agent()).window, { ...request, session: 'reloaded' }), { kind: 'unknown-session' });
    const page = fakePage(agent({ status: 'collected' }));
    await reveal(page.window, request);
    assert.deepEqual([page.logged, page.inspected], [[], []]);
  });

  it('a page without the hook, or with its own value under its name, gives no-hook', async () => {
    assert.deepEqual(await reveal(fakePage().window, request), { kind: 'no-hook' });
    for (const value of [42, null, 'hook', { find: 'not a function' }, { find: () => null }, { find: () => ({ status: 7 }) }]) {
      const page = fakePage((window) => void (window[DEVTOOLS_HOOK] = value));
      assert.deepEqual(await reveal(page.window, request), { kind: 'no-hook' }, JSON.stringify(value));
    }
  });

  it('embeds page-chosen type names as literals', async () => {
    const seen: string[] = [];
    const finder: Finder = (_serial, type) => (seen.push(type), { status: 'not-kept' });
    const page = fakePage((window) => void registerWithHook(window, 'session-1', finder));
    const type = '"); globalThis.pwned = 1; ("`${x}`\u2028</script>';
    assert.deepEqual(await reveal(page.window, { ...request, type }), { kind: 'not-kept' });
    assert.deepEqual(seen, [type]);
  });

  it('turns exceptions, DevTools errors, odd answers and a throwing eval into a failure', async () => {
    const answering = (result: unknown, info?: EvalExceptionInfo): InspectedWindow => ({ tabId: 1, eval: (_e, _o, callback) => callback(result, info) });
    assert.deepEqual(await reveal(answering(undefined, { isException: true, value: 'TypeError: boom' }), request), {
      kind: 'failed',
      message: 'the page threw: TypeError: boom',
    });
    assert.deepEqual(
      await reveal(answering(undefined, { isError: true, code: 'E_NOTFOUND', description: 'Object not found: %s', details: ['http://x/frame'] }), request),
      { kind: 'failed', message: 'DevTools could not evaluate in the page: Object not found: http://x/frame' },
    );
    assert.deepEqual(await reveal(answering(undefined, { isError: true, code: 'E_FAILED' }), request), {
      kind: 'failed',
      message: 'DevTools could not evaluate in the page: E_FAILED',
    });
    assert.deepEqual(await reveal(answering({ status: 'found' }), request), { kind: 'failed', message: 'the page answered object' });
    assert.deepEqual(await reveal(answering('bad-request'), request), { kind: 'failed', message: 'the page answered “bad-request”' });
    const throwing: InspectedWindow = {
      tabId: 1,
      eval() {
        throw new Error('Extension context invalidated.');
      },
    };
    assert.deepEqual(await reveal(throwing, request), { kind: 'failed', message: 'Extension context invalidated.' });
  });

  it("reports a finder's error with its message", async () => {
    const page = fakePage((window) =>
      void registerWithHook(window, 'session-1', () => {
        throw new Error('trackingName getter threw');
      }),
    );
    assert.deepEqual(await reveal(page.window, request), { kind: 'failed', message: 'looking it up threw: trackingName getter threw' });
  });
});

describe('inspectedWindow', () => {
  const host = globalThis as { chrome?: unknown };
  afterEach(() => delete host.chrome);

  it('is null outside DevTools and the inspected window inside', () => {
    assert.equal(inspectedWindow(), null);
    host.chrome = { runtime: {} };
    assert.equal(inspectedWindow(), null);
    const window = { tabId: 3, eval() {} };
    host.chrome = { devtools: { inspectedWindow: window } };
    assert.equal(inspectedWindow(), window);
  });
});
