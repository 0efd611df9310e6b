import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportFileName } from './export-name.js';

const TIME = Date.UTC(2026, 10, 24, 17, 45, 12, 345);

test('names say the host, the time and whether every session is in the file', () => {
  assert.equal(exportFileName('http://127.0.0.1:5757/app?x=1', TIME), 'trackables-127.0.0.1-5757-2026-11-24T17-45-12-345Z.json');
  assert.equal(exportFileName('https://shop.example/', TIME, true), 'trackables-shop.example-2026-11-24T17-45-12-345Z-all.json');
});

test('no host, no host part', () => {
  for (const url of [undefined, '', 'not a url', 'file:///tmp/a.html', 'about:blank']) {
    assert.equal(exportFileName(url, TIME), 'trackables-2026-11-24T17-45-12-345Z.json', String(url));
  }
});
