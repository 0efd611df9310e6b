// The npm package, as a user meets it: `npm pack` on a fresh copy of the checkout, the tarball
// installed into a scratch project in a temporary folder, then used the ways users use it —
// Node ESM imports, TypeScript (node16 and bundler resolution, and @arethetypeswrong/cli on the
// tarball), an app bundled with webpack and with esbuild, and the script-tag build — each app
// running in real Chromium with the extension reading it. Everything is driven by the package's
// exports map, so a new subpath is checked without edits here.
//
// It is an e2e spec rather than a script of its own because its end is the browser: the bundled
// apps run in the same Chromium, extension and panel fixtures as every other e2e test.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { build as esbuild } from 'esbuild';
import webpack from 'webpack';
import { startStaticServer, type StaticServer } from '../scripts/static-server.js';
import { expect, test } from './fixtures.js';
import {
  exportEntries,
  freshCopy,
  npmPack,
  readPackageJson,
  reachableFiles,
  REPO,
  scratchProject,
  tarballFiles,
  type Entries,
  type PackageJson,
} from './packed-package.js';
import { expectTable } from './panel.js';

const run = promisify(execFile);
const node = (args: string[], cwd: string) => run(process.execPath, args, { cwd, encoding: 'utf8' });

/** Files a package carries besides what its exports name (npm adds package.json, README, LICENSE). */
const PACKAGE_DOCS = /^(package\.json|README\.md|CHANGELOG\.md|LICEN[CS]E(\.\w+)?)$/;

let work: string;
let tarball: string;
let app: string;
let pkg: PackageJson;
let entries: Entries;
let server: StaticServer;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  // Packing builds; installing may fetch what npm's cache lacks.
  test.setTimeout(240_000);
  work = mkdtempSync(join(tmpdir(), 'trackables-npm-'));
  const clone = freshCopy(join(work, 'clone'));
  tarball = npmPack(clone, work);
  pkg = readPackageJson(clone);
  entries = exportEntries(pkg);
  app = scratchProject(join(work, 'app'), tarball, pkg);
  server = await startStaticServer({ '/': app });
});

test.afterAll(async () => {
  await server?.close();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

const installed = () => join(app, 'node_modules', pkg.name);

test('the tarball holds what the exports map names, and nothing else but the docs', () => {
  expect(entries.modules.length).toBeGreaterThan(0);
  expect(entries.scripts.length).toBeGreaterThan(0);
  const { files, bare } = reachableFiles(installed(), entries);
  // tsc writes a declaration beside each module; those of modules no public type mentions are
  // the only files allowed beyond what the entries reach.
  const declarationOfShipped = (file: string) => file.endsWith('.d.ts') && files.has(file.replace(/\.d\.ts$/, '.js'));
  const packed = tarballFiles(tarball).filter((file) => !PACKAGE_DOCS.test(file));
  expect(packed.filter((file) => !files.has(file) && !declarationOfShipped(file)), 'packed but not reached from the exports map').toEqual([]);
  expect([...files].filter((file) => !PACKAGE_DOCS.test(file) && !packed.includes(file)), 'named but not packed').toEqual([]);
  expect(tarballFiles(tarball)).toContain('CHANGELOG.md');
  // Every other package a shipped file imports (types included) is one the user gets or opts into.
  // Node's own modules only where the user runs Node (a subpath for Node), typed by @types/node.
  const declared = new Set([pkg.name, ...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const isBuiltin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);
  expect([...bare].filter((name) => !declared.has(name) && !isBuiltin(name))).toEqual([]);
});

test('@arethetypeswrong/cli finds no problem in the tarball (ESM-only package)', async () => {
  const cli = join(REPO, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
  // The script-tag build has no types by design; the rest of the map must be right.
  const scriptSubpaths = Object.entries(pkg.exports).flatMap(([subpath, target]) =>
    typeof target === 'string' && entries.scripts.includes(target.replace(/^\.\//, '')) ? [subpath] : [],
  );
  const args = [cli, tarball, '--profile', 'esm-only', '--no-definitely-typed', '--no-color', '--format', 'table-flipped'];
  if (scriptSubpaths.length > 0) args.push('--exclude-entrypoints', ...scriptSubpaths);
  const result = await node(args, app).catch((error: { stdout?: string; stderr?: string }) => error);
  expect('code' in result ? `${result.stdout}${result.stderr}` : 'no problems').toBe('no problems');
});

test('every module subpath imports in Node (ESM), and VERSION is the package version', async () => {
  const script = join(app, 'imports.mjs');
  writeFileSync(
    script,
    `const out = {};\nfor (const specifier of ${JSON.stringify(entries.modules.map((entry) => entry.specifier))}) out[specifier] = Object.keys(await import(specifier)).sort();\nconsole.log(JSON.stringify(out));\n`,
  );
  const { stdout } = await node([script], app);
  const exported = JSON.parse(stdout) as Record<string, string[]>;
  for (const { specifier } of entries.modules) expect(exported[specifier]?.length, specifier).toBeGreaterThan(0);
  const { stdout: version } = await node(['--input-type=module', '-e', `import { VERSION } from '${pkg.name}'; console.log(VERSION);`], app);
  expect(version.trim()).toBe(pkg.version);
});

test('TypeScript type-checks code using every subpath (node16 and bundler resolution); the core alone with no DOM or Node types', async () => {
  const imports = entries.modules.map((entry, i) => `import * as subpath${i} from '${entry.specifier}';`).join('\n');
  writeFileSync(
    join(app, 'all-subpaths.ts'),
    `${imports}\nexport const modules = [${entries.modules.map((_, i) => `subpath${i}`).join(', ')}];\n`,
  );
  // The public API in use: wrong or missing types fail here, `any` fails the @ts-expect-error.
  writeFileSync(
    join(app, 'usage.ts'),
    `import { PostMessageTracker, Trackable, Tracker, VERSION, setGlobalTracker, trackableMixin } from '${pkg.name}';
import { expectNoLeaks } from '${pkg.name}/playwright';
import type { Page } from '@playwright/test';

const tracker = new Tracker();
setGlobalTracker(new PostMessageTracker({ forward: tracker }));
class Widget extends Trackable {
  static override trackingName = 'Widget';
}
class Store extends trackableMixin(Map<string, number>) {}
new Widget().setDataBundle({ id: 1 });
new Store().set('a', 1);
export const allocated: number = tracker.get(Widget)?.allocated ?? 0;
export const version: string = VERSION;
// @ts-expect-error a number is no tracker
setGlobalTracker(42);
export async function check(page: Page): Promise<void> {
  await expectNoLeaks(page, async () => {});
}
`,
  );
  // The subpaths that need nothing but the package's own dependencies type-check with no
  // DOM, no Node and no other types at all: the core runs anywhere.
  const standalone = entries.modules.filter((entry) => {
    const { bare } = reachableFiles(installed(), { modules: [entry], scripts: [], files: [] });
    return [...bare].every((name) => name === pkg.name || name in (pkg.dependencies ?? {}));
  });
  expect(standalone.map((entry) => entry.specifier)).toContain(pkg.name);
  writeFileSync(join(app, 'standalone.ts'), standalone.map((entry, i) => `export * as subpath${i} from '${entry.specifier}';`).join('\n') + '\n');

  const strict = { strict: true, noEmit: true, target: 'ES2022', verbatimModuleSyntax: true };
  // What a Playwright project has: Node's types and the disposables Playwright's types declare.
  // skipLibCheck as most projects set it: checking @types/node and Playwright's types costs
  // ~12 s of CPU a program here, and our declarations' imports are attw's job above.
  const user = { ...strict, skipLibCheck: true, lib: ['ES2022', 'ESNext.Disposable', 'DOM'], types: ['node'] };
  const configs = {
    'tsconfig.node16.json': { compilerOptions: { ...user, module: 'node16', moduleResolution: 'node16' }, files: ['all-subpaths.ts', 'usage.ts'] },
    'tsconfig.bundler.json': { compilerOptions: { ...user, module: 'esnext', moduleResolution: 'bundler' }, files: ['all-subpaths.ts', 'usage.ts'] },
    // Every declaration of these subpaths checked, with no DOM, no Node and no other types.
    'tsconfig.standalone.json': {
      compilerOptions: { ...strict, skipLibCheck: false, module: 'node16', moduleResolution: 'node16', lib: ['ES2022'], types: [] },
      files: ['standalone.ts'],
    },
  };
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const results = await Promise.all(
    Object.entries(configs).map(async ([file, config]) => {
      writeFileSync(join(app, file), JSON.stringify(config, null, 2));
      const outcome = await node([tsc, '-p', file, '--pretty', 'false'], app).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
      return `${file}: ${'stdout' in outcome && outcome.stdout.trim() !== '' ? outcome.stdout.trim() : 'ok'}`;
    }),
  );
  expect(results).toEqual(Object.keys(configs).map((file) => `${file}: ok`));
});

// One app, three ways of loading the package: it counts its instances with a Tracker and streams
// them to the extension with a PostMessageTracker. A fixed trackingName, since bundlers minify
// class names.
const APP_LOGIC = `export function start(Trackables) {
  const { PostMessageTracker, Trackable, Tracker, setGlobalTracker, VERSION } = Trackables;
  const tracker = new Tracker();
  const agent = new PostMessageTracker({ forward: tracker });
  setGlobalTracker(agent);
  class ShippedWidget extends Trackable {
    static trackingName = 'ShippedWidget';
  }
  let widgets = [];
  window.app = {
    version: VERSION,
    create(count) {
      for (let i = 0; i < count; i++) widgets.push(new ShippedWidget());
    },
    drop() {
      widgets = [];
    },
    counts() {
      const counts = tracker.get(ShippedWidget);
      return { allocated: counts?.allocated ?? 0, deallocated: counts?.deallocated ?? 0 };
    },
    stats: () => agent.getStats(),
  };
}
`;

function writeApp(): void {
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(join(app, 'src', 'app-logic.js'), APP_LOGIC);
  writeFileSync(join(app, 'src', 'main.js'), `import * as Trackables from '${pkg.name}';\nimport { start } from './app-logic.js';\nstart(Trackables);\n`);
  const page = (name: string, scripts: string) =>
    writeFileSync(join(app, `${name}.html`), `<!doctype html>\n<meta charset="utf-8">\n<title>${name}</title>\n${scripts}\n`);
  page('webpack', '<script src="/webpack/main.js"></script>');
  page('esbuild', '<script src="/esbuild/main.js"></script>');
  const global = entries.scripts[0]!;
  page(
    'script-tag',
    `<script src="/node_modules/${pkg.name}/${global}"></script>\n<script type="module">import { start } from '/src/app-logic.js'; start(window.Trackables);</script>`,
  );
}

interface AppWindow {
  app: { version: string; create(count: number): void; drop(): void; counts(): { allocated: number; deallocated: number }; stats(): { connected: boolean; postedEvents: number } };
}

async function expectAppWorks(
  { page, tabId, openPanel, collectGarbage }: { page: Page; tabId: number; openPanel(tabId: number): Promise<Page>; collectGarbage(page: Page): Promise<void> },
  path: string,
): Promise<void> {
  await page.goto(`${server.url}/${path}`);
  await page.waitForFunction(() => (window as unknown as Partial<AppWindow>).app !== undefined);
  expect(await page.evaluate(() => (window as unknown as AppWindow).app.version)).toBe(pkg.version);
  await page.evaluate(() => (window as unknown as AppWindow).app.create(3));
  expect(await page.evaluate(() => (window as unknown as AppWindow).app.counts())).toEqual({ allocated: 3, deallocated: 0 });

  // The PostMessageTracker found the extension's relay and streamed to it: the panel counts them.
  const panel = await openPanel(tabId);
  await expectTable(panel, { ShippedWidget: { live: 3, created: 3, retired: 0 } });
  expect(await page.evaluate(() => (window as unknown as AppWindow).app.stats())).toMatchObject({ connected: true, postedEvents: 3 });

  await page.evaluate(() => (window as unknown as AppWindow).app.drop());
  await expectTable(panel, { ShippedWidget: { live: 0, created: 3, retired: 3 } }, { before: () => collectGarbage(page) });
  // pytracker's words: "allocated" counts the live ones.
  expect(await page.evaluate(() => (window as unknown as AppWindow).app.counts())).toEqual({ allocated: 0, deallocated: 3 });
}

test.describe('an app using the installed package runs in Chromium with the agent working', () => {
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    writeApp();
    const compiler = webpack({
      mode: 'production',
      context: app,
      entry: './src/main.js',
      output: { path: join(app, 'webpack'), filename: 'main.js' },
      devtool: false,
      stats: 'errors-warnings',
    });
    const stats = await new Promise<webpack.Stats | undefined>((done, fail) => compiler.run((error, result) => (error ? fail(error) : done(result))));
    await new Promise((done) => compiler.close(done));
    expect(stats?.hasErrors() || stats?.hasWarnings() ? stats.toString('errors-warnings') : 'clean').toBe('clean');

    const built = await esbuild({
      absWorkingDir: app,
      entryPoints: ['src/main.js'],
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2022',
      outfile: join(app, 'esbuild', 'main.js'),
      logLevel: 'silent',
    });
    expect([...built.errors, ...built.warnings]).toEqual([]);
  });

  for (const [name, path] of [
    ['bundled with webpack', 'webpack.html'],
    ['bundled with esbuild', 'esbuild.html'],
    ['the script-tag build', 'script-tag.html'],
  ] as const) {
    test(name, async ({ page, tabIdOf, openPanel, collectGarbage }) => {
      await expectAppWorks({ page, tabId: await tabIdOf(page), openPanel, collectGarbage }, path);
    });
  }
});
