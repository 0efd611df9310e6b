// `npm run build`: the agent's ESM + .d.ts (tsc), then every browser bundle (webpack).
// `--agent` builds only what the npm package ships (`npm pack` runs it: the "prepack" script).
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { firefoxManifest } from './firefox-manifest.mjs';
import { syncVersion } from './version.mjs';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: false });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const bin = (name) => `node_modules/.bin/${name}`;
const mode = ['--mode', process.argv.includes('--dev') ? 'development' : 'production'];
syncVersion();
// All of dist/agent: the package ships that folder, so nothing left from an earlier build may stay.
rmSync('dist/agent', { recursive: true, force: true });
run(bin('tsc'), ['-p', 'tsconfig.agent.json']);
if (process.argv.includes('--agent')) {
  run(bin('webpack'), [...mode, '--config-name', 'agent']);
  process.exit(0);
}
run(bin('webpack'), mode);

// The same extension with the "debugger" permission, for the panel's Collect garbage button.
// Chrome grants "debugger" only at install (it cannot be optional), so it is a separate build to
// load unpacked rather than a permission everyone's install would ask for.
rmSync('dist/extension-gc', { recursive: true, force: true });
cpSync('dist/extension', 'dist/extension-gc', { recursive: true });
const manifest = JSON.parse(readFileSync('dist/extension-gc/manifest.json', 'utf8'));
manifest.name = 'Trackables (with Collect garbage)';
manifest.permissions = [...manifest.permissions, 'debugger'];
writeFileSync('dist/extension-gc/manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);

// The same extension for Firefox: same scripts and pages, its manifest derived from the one above.
rmSync('dist/extension-firefox', { recursive: true, force: true });
cpSync('dist/extension', 'dist/extension-firefox', { recursive: true });
const chromeManifest = JSON.parse(readFileSync('dist/extension/manifest.json', 'utf8'));
writeFileSync('dist/extension-firefox/manifest.json', `${JSON.stringify(firefoxManifest(chromeManifest), null, 2)}\n`);
