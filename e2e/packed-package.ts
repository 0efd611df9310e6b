// The npm package as a user gets it: packed from a fresh copy of the checkout (so `prepack` has
// to build it), installed from the tarball into a scratch project outside the repository, and
// read through its exports map, so a subpath added to the map is covered without edits here.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..');

export interface PackageJson {
  name: string;
  version: string;
  exports: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export const readPackageJson = (dir: string): PackageJson => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;

/** An ES module subpath of the exports map, with its types. */
export interface ModuleEntry {
  /** The specifier a user writes: `trackables`, `trackables/playwright`. */
  specifier: string;
  /** Package-relative files, e.g. `dist/agent/esm/index.js`. */
  js: string;
  types: string;
}

/** What the exports map names, by kind. */
export interface Entries {
  modules: ModuleEntry[];
  /** Script-tag builds (a plain `.js` target without types), package-relative. */
  scripts: string[];
  /** Other named files (`./package.json`), package-relative. */
  files: string[];
}

const packageRelative = (target: string): string => posix.normalize(target);

export function exportEntries(pkg: PackageJson): Entries {
  const entries: Entries = { modules: [], scripts: [], files: [] };
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    if (typeof target === 'string') {
      (target.endsWith('.js') ? entries.scripts : entries.files).push(packageRelative(target));
      continue;
    }
    const { types, default: js } = target;
    if (types === undefined || js === undefined) throw new Error(`exports["${subpath}"] needs "types" and "default": ${JSON.stringify(target)}`);
    entries.modules.push({ specifier, js: packageRelative(js), types: packageRelative(types) });
  }
  return entries;
}

// Specifiers in emitted JavaScript and declarations: import/export … from, import(), side-effect
// imports and triple-slash references.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"\n]+)['"]|\/\/\/\s*<reference\s+(?:path|types)="([^"]+)"/g;

function specifiersOf(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((match) => (match[1] ?? match[2])!);
}

/** A relative specifier of `from` (package-relative) as the package-relative file it loads. */
function resolveRelative(from: string, specifier: string): string {
  const path = posix.join(posix.dirname(from), specifier);
  return from.endsWith('.d.ts') ? path.replace(/\.js$/, '.d.ts') : path;
}

/**
 * Every file the exports map's entries load, following relative imports of the JavaScript and
 * the declarations; and the bare specifiers (other packages) they name.
 */
export function reachableFiles(pkgDir: string, entries: Entries): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const queue = [...entries.modules.flatMap((entry) => [entry.js, entry.types]), ...entries.scripts, ...entries.files];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    if (!existsSync(join(pkgDir, file))) throw new Error(`${file} is named by the package but not in it`);
    // The script-tag build is one self-contained file.
    if (entries.scripts.includes(file) || !/\.(d\.ts|js)$/.test(file)) continue;
    for (const specifier of specifiersOf(readFileSync(join(pkgDir, file), 'utf8'))) {
      if (specifier.startsWith('.')) queue.push(resolveRelative(file, specifier));
      else bare.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    }
  }
  return { files, bare };
}

/** A copy of the checkout as a fresh clone has it (tracked and new, not ignored, files), sharing node_modules. */
export function freshCopy(into: string): string {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' });
  for (const file of listed.split('\0')) {
    // Listed but deleted in the work tree: a clone of the next commit will not have it either.
    if (file === '' || !existsSync(join(REPO, file))) continue;
    mkdirSync(dirname(join(into, file)), { recursive: true });
    cpSync(join(REPO, file), join(into, file));
  }
  symlinkSync(join(REPO, 'node_modules'), join(into, 'node_modules'), 'dir');
  return into;
}

/** `npm pack` in `dir` (its prepack builds first); the tarball's path. */
export function npmPack(dir: string, destination: string): string {
  const before = new Set(readdirSync(destination));
  execFileSync('npm', ['pack', '--pack-destination', destination], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const tarballs = readdirSync(destination).filter((file) => file.endsWith('.tgz') && !before.has(file));
  if (tarballs.length !== 1) throw new Error(`npm pack wrote ${JSON.stringify(tarballs)}`);
  return join(destination, tarballs[0]!);
}

/** The tarball's files, package-relative. */
export function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''))
    .sort();
}

/** The version of `name` this checkout has installed (what its tests ran against). */
function installedVersion(name: string): string | undefined {
  try {
    return (createRequire(join(REPO, 'package.json'))(`${name}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * A scratch project (ESM, like a user's) with the tarball installed, every peer dependency (the
 * optional ones too, at the versions this checkout tested, with their @types where they have
 * some) and @types/node, which Playwright's own types need. From npm's cache when it has them.
 */
export function scratchProject(dir: string, tarball: string, pkg: PackageJson): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }, null, 2)}\n`);
  const peers = Object.keys(pkg.peerDependencies ?? {});
  // A peer's types may come from DefinitelyTyped (react's do): take them where this checkout has them.
  const peerTypes = peers.map((name) => `@types/${name.replace(/^@/, '').replace('/', '__')}`).filter((name) => installedVersion(name) !== undefined);
  const extras = [...new Set([...peers, ...peerTypes, '@types/node'])].map((name) => {
    const version = installedVersion(name) ?? pkg.peerDependencies?.[name];
    return version === undefined ? name : `${name}@${version}`;
  });
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...extras], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return dir;
}
