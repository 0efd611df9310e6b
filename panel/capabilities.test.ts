import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCapabilities } from './capabilities.js';

test('a well-formed capabilities answer is read as sent', () => {
  assert.deepEqual(readCapabilities({ kind: 'capabilities', allSites: false, debuggerPermission: true }), {
    kind: 'capabilities',
    allSites: false,
    debuggerPermission: true,
  });
});

test('a malformed capabilities answer is unknown (null), never thrown on, and the reason is logged', (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const hostile = new Proxy({}, { get: () => { throw new Error('trap'); } });
  const malformed: unknown[] = [
    undefined,
    null,
    'capabilities',
    { kind: 'capabilities' },
    { kind: 'capabilities', allSites: 'yes', debuggerPermission: true },
    { kind: 'capabilities', allSites: true, debuggerPermission: 1 },
    { kind: 'subscribe', allSites: true, debuggerPermission: true },
    hostile,
  ];
  for (const answer of malformed) assert.equal(readCapabilities(answer), null);
  assert.equal(warn.mock.callCount(), malformed.length);
  assert.match(String(warn.mock.calls[4]!.arguments[0]), /allSites/);
});
