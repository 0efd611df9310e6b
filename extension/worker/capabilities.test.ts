import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capabilities, isCapabilitiesQuery, type PermissionsLike } from './capabilities.js';

/** Answers like Firefox: unknown permission names fail schema validation, synchronously. */
function firefoxLike(grantedOrigins: string[]): PermissionsLike {
  return {
    contains({ origins = [], permissions = [] }) {
      if (permissions.includes('debugger')) throw new Error('Type error for parameter permissions (Value "debugger" must either …)');
      return Promise.resolve(origins.every((origin) => grantedOrigins.includes(origin)));
    },
  };
}

test('Firefox with host access withheld: no sites, no debugger permission', async () => {
  assert.deepEqual(await capabilities(firefoxLike([])), { kind: 'capabilities', allSites: false, debuggerPermission: false });
  assert.deepEqual(await capabilities(firefoxLike(['<all_urls>'])), { kind: 'capabilities', allSites: true, debuggerPermission: false });
});

test('Chrome-like: "debugger" is a known permission, even when not granted', async () => {
  const chromeLike: PermissionsLike = { contains: ({ permissions = [] }) => Promise.resolve(!permissions.includes('debugger')) };
  assert.deepEqual(await capabilities(chromeLike), { kind: 'capabilities', allSites: true, debuggerPermission: true });
});

test('a failing permissions API means no access rather than an error', async () => {
  const broken: PermissionsLike = { contains: () => Promise.reject(new Error('gone')) };
  assert.deepEqual(await capabilities(broken), { kind: 'capabilities', allSites: false, debuggerPermission: false });
});

test('only { kind: "capabilities" } is a query', () => {
  assert.equal(isCapabilitiesQuery({ kind: 'capabilities' }), true);
  for (const other of [null, 'capabilities', { kind: 'subscribe' }, 3]) assert.equal(isCapabilitiesQuery(other), false);
});

test('a malformed capabilities query is no query, and reading it never throws', () => {
  const hostile = new Proxy({}, { get: () => { throw new Error('trap'); } });
  for (const malformed of [{ kind: 'Capabilities' }, { kind: ['capabilities'] }, [], hostile]) assert.equal(isCapabilitiesQuery(malformed), false);
});
