// `npx tsx scripts/icons.ts`: renders extension/icons/icon.svg into the PNG sizes the manifest
// names (Chrome: 16, 32, 48, 128; the store uses the 128 one), with real Chromium so the PNGs are
// what a browser draws. The PNGs are committed: building needs no browser.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { BASE_ARGS, CHROMIUM } from '../e2e/harness.js';

const dir = join(import.meta.dirname, '..', 'extension', 'icons');
const SIZES = [16, 32, 48, 128];

const svg = `data:image/svg+xml;base64,${readFileSync(join(dir, 'icon.svg')).toString('base64')}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
try {
  const page = await browser.newPage();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<style>html,body{margin:0;background:transparent}</style><img src="${svg}" width="${size}" height="${size}">`);
    await page.screenshot({ path: join(dir, `icon-${size}.png`), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  }
} finally {
  await browser.close();
}
