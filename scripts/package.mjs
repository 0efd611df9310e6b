// `npm run package` (after a production build): store-ready zips of the built extensions, named
// with the version, in dist/packages/: trackables-chrome-<version>.zip from dist/extension, and
// trackables-firefox-<version>.zip from dist/extension-firefox when that build exists (with
// `web-ext build` when web-ext is installed). dist/extension-gc is a build to load unpacked,
// never a store's (it asks for "debugger"), so it is not packaged.
//
//   node scripts/package.mjs [--out <dir>]
//
// Zipped with fflate (small, no dependencies, zips and unzips): entries sorted and dated
// 1980-01-01, so the same build gives the same bytes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { packageVersion } from './version.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The builds a store takes, each from its folder under dist/. */
export const TARGETS = [
  { browser: 'chrome', dir: join(root, 'dist', 'extension'), required: true },
  { browser: 'firefox', dir: join(root, 'dist', 'extension-firefox'), required: false },
];

/** The zip's file name for `browser` at `version`. */
export const zipName = (browser, version) => `trackables-${browser}-${version}.zip`;

/** Every file under `dir`, as sorted paths relative to it with '/' separators. */
function listFiles(dir) {
  const walk = (folder) =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
      const path = join(folder, entry.name);
      return entry.isDirectory() ? walk(path) : [relative(dir, path).split(sep).join('/')];
    });
  return walk(dir).sort();
}

/** Refuses a build a store would reject or that is not this version's production build. */
function checkBuild(dir, version) {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${dir} has no manifest.json: run \`npm run build\` first`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.version !== version) {
    throw new Error(`${manifestPath} says version ${manifest.version}, package.json ${version}: run \`npm run build\` again`);
  }
  const maps = listFiles(dir).filter((file) => file.endsWith('.map'));
  if (maps.length > 0) throw new Error(`${dir} is a development build (${maps.join(', ')}): run \`npm run build\` (production)`);
}

/** Zips every file of `dir` (manifest.json at the zip's root, as stores require) into `file`. */
function zipFolder(dir, file) {
  const mtime = new Date(1980, 0, 1);
  const entries = Object.fromEntries(listFiles(dir).map((path) => [path, [readFileSync(join(dir, path)), { mtime, level: 9 }]]));
  writeFileSync(file, zipSync(entries));
}

function webExtBuild(dir, outDir, name) {
  const webExt = join(root, 'node_modules', '.bin', 'web-ext');
  if (!existsSync(webExt)) return false;
  const args = ['build', '--source-dir', dir, '--artifacts-dir', outDir, '--filename', name, '--overwrite-dest'];
  const result = spawnSync(webExt, args, { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`web-ext build failed (exit ${result.status})`);
  return true;
}

/** Writes the zips into `outDir`; returns their paths. */
export function packageExtensions(outDir = join(root, 'dist', 'packages')) {
  const version = packageVersion();
  mkdirSync(outDir, { recursive: true });
  const written = [];
  for (const { browser, dir, required } of TARGETS) {
    if (!existsSync(dir)) {
      if (required) throw new Error(`no ${browser} build at ${dir}: run \`npm run build\` first`);
      continue;
    }
    checkBuild(dir, version);
    const file = join(outDir, zipName(browser, version));
    rmSync(file, { force: true });
    if (!(browser === 'firefox' && webExtBuild(dir, outDir, zipName(browser, version)))) zipFolder(dir, file);
    written.push(file);
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  const outDir = at === -1 ? undefined : resolve(process.argv[at + 1] ?? '');
  try {
    for (const file of packageExtensions(outDir)) console.log(`${relative(process.cwd(), file)}  ${(statSync(file).size / 1024).toFixed(0)} KiB`);
  } catch (error) {
    console.error(`npm run package: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
