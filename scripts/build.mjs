// `npm run build`: the agent's ESM + .d.ts (tsc), then every browser bundle (webpack).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: false });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const bin = (name) => `node_modules/.bin/${name}`;
rmSync('dist/agent/esm', { recursive: true, force: true });
run(bin('tsc'), ['-p', 'tsconfig.agent.json']);
run(bin('webpack'), ['--mode', process.argv.includes('--dev') ? 'development' : 'production']);
