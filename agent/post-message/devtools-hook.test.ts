import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LookupResult } from '../instance-lookup.js';
import { DEVTOOLS_HOOK } from '../protocol/messages.js';
import { registerWithHook, type DevToolsHook, type Finder } from './devtools-hook.js';

const instance = { name: 'the instance' };
/** Finds `instance` as serial 7 of type Widget. */
const finder: Finder = (serial, type): LookupResult =>
  serial === 7 && type === 'Widget' ? { status: 'found', instance } : { status: 'collected' };

function hookOf(window: object): DevToolsHook {
  return (window as Record<string, DevToolsHook>)[DEVTOOLS_HOOK]!;
}

test('installs a non-enumerable, read-only hook that finds instances by session and serial', () => {
  const window = {};
  assert.notEqual(registerWithHook(window, 'session-a', finder), null);
  assert.deepEqual(Object.keys(window), []);
  const descriptor = Object.getOwnPropertyDescriptor(window, DEVTOOLS_HOOK)!;
  assert.equal(descriptor.enumerable, false);
  assert.equal(descriptor.writable, false);
  const hook = hookOf(window);
  assert.equal(hook.v, 1);
  assert.ok(Object.isFrozen(hook));
  assert.deepEqual(hook.find('session-a', 7, 'Widget'), { status: 'found', instance });
  assert.deepEqual(hook.find('session-a', 8, 'Widget'), { status: 'collected' });
  assert.deepEqual(hook.find('session-b', 7, 'Widget'), { status: 'unknown-session' });
});

test('answers hostile or malformed requests with bad-request, never throwing', () => {
  const window = {};
  registerWithHook(window, 's', finder);
  const hook = hookOf(window);
  const hostile = {
    toString() {
      throw new Error('no');
    },
  };
  const requests: unknown[][] = [
    [],
    ['s', '7', 'Widget'],
    ['s', 7.5, 'Widget'],
    ['s', 0, 'Widget'],
    ['s', -7, 'Widget'],
    ['s', Number.NaN, 'Widget'],
    ['s', Infinity, 'Widget'],
    ['s', 2 ** 53, 'Widget'],
    ['s', 7n, 'Widget'],
    ['s', hostile, 'Widget'],
    ['s', 7, hostile],
    ['s', 7],
    [hostile, 7, 'Widget'],
    [null, 7, 'Widget'],
    [{ length: 1 }, 7, 'Widget'],
  ];
  for (const request of requests) {
    assert.deepEqual((hook.find as (...args: unknown[]) => unknown)(...request), { status: 'bad-request' }, String(request.length));
  }
});

test('a finder that throws becomes an error answer', () => {
  const window = {};
  registerWithHook(window, 's', () => {
    throw new Error('a trackingName getter threw');
  });
  assert.deepEqual(hookOf(window).find('s', 1, 'Widget'), { status: 'error', message: 'a trackingName getter threw' });
});

test('copies of the agent in one window share the hook; each removes only its own session', () => {
  const window = {};
  const other: Finder = () => ({ status: 'not-kept' });
  const removeA = registerWithHook(window, 'a', finder)!;
  const hook = hookOf(window);
  const removeB = registerWithHook(window, 'b', other)!;
  assert.equal(hookOf(window), hook);
  assert.deepEqual(hook.find('a', 7, 'Widget'), { status: 'found', instance });
  assert.deepEqual(hook.find('b', 7, 'Widget'), { status: 'not-kept' });
  removeA();
  assert.deepEqual(hook.find('a', 7, 'Widget'), { status: 'unknown-session' });
  assert.deepEqual(hook.find('b', 7, 'Widget'), { status: 'not-kept' });
  removeB();
  removeB();
  assert.deepEqual(hook.find('b', 7, 'Widget'), { status: 'unknown-session' });
});

test('copies of the agent under one window session: find asks each, the one that knows wins', () => {
  const window = {};
  const a = { instance: { copy: 'a' } };
  const b = { instance: { copy: 'b' } };
  // Serials are unique per realm, so each serial belongs to at most one copy.
  const copyA: Finder = (serial) => (serial === 1 ? { status: 'found', instance: a } : serial === 3 ? { status: 'collected' } : { status: 'not-kept' });
  const copyB: Finder = (serial) => (serial === 2 ? { status: 'found', instance: b } : { status: 'not-kept' });
  const removeA = registerWithHook(window, 'page', copyA)!;
  const removeB = registerWithHook(window, 'page', copyB)!;
  // The same finder twice (two trackers of one copy): each registration is removed on its own.
  const removeB2 = registerWithHook(window, 'page', copyB)!;
  const hook = hookOf(window);
  assert.deepEqual(hook.find('page', 1, 'Widget'), { status: 'found', instance: a });
  assert.deepEqual(hook.find('page', 2, 'Widget'), { status: 'found', instance: b });
  assert.deepEqual(hook.find('page', 3, 'Widget'), { status: 'collected' });
  assert.deepEqual(hook.find('page', 4, 'Widget'), { status: 'not-kept' });
  removeB();
  assert.deepEqual(hook.find('page', 2, 'Widget'), { status: 'found', instance: b });
  removeB2();
  assert.deepEqual(hook.find('page', 2, 'Widget'), { status: 'not-kept' });
  assert.deepEqual(hook.find('page', 1, 'Widget'), { status: 'found', instance: a });
  removeA();
  assert.deepEqual(hook.find('page', 1, 'Widget'), { status: 'unknown-session' });
});

test("leaves the page's own value under the hook's name alone, without throwing", () => {
  for (const value of [42, 'mine', null, { v: 1 }, { v: 2, register: () => () => {} }, () => {}]) {
    const window: Record<string, unknown> = { [DEVTOOLS_HOOK]: value };
    assert.equal(registerWithHook(window, 's', finder), null);
    assert.equal(window[DEVTOOLS_HOOK], value);
  }
  const throwing = Object.defineProperty({}, DEVTOOLS_HOOK, {
    get() {
      throw new Error('page getter');
    },
  });
  assert.equal(registerWithHook(throwing, 's', finder), null);
  assert.equal(registerWithHook(Object.freeze({}), 's', finder), null);
  const brokenRegister = { [DEVTOOLS_HOOK]: { v: 1, register: () => 'not a function' } };
  assert.equal(registerWithHook(brokenRegister, 's', finder), null);
  const throwingRegister = {
    [DEVTOOLS_HOOK]: {
      v: 1,
      register: () => {
        throw new Error('page register');
      },
    },
  };
  assert.equal(registerWithHook(throwingRegister, 's', finder), null);
});
