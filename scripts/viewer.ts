// The recording viewer without the extension: serves the built dist/extension (viewer.html and
// its script need nothing from Chrome's extension APIs) and prints the viewer's URL.
//   tsx scripts/viewer.ts [recording.json]   (PORT=5758 by default)
// With a file, the URL opens it (?src=); otherwise open recordings with Import or drag and drop.
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { startStaticServer } from './static-server.js';

const built = resolve('dist/extension/viewer.html');
if (!existsSync(built)) {
  console.error(`No built viewer at ${built}: run \`npm run build\` first.`);
  process.exit(1);
}
const file = process.argv[2];
if (file !== undefined && !existsSync(file)) {
  console.error(`No such recording: ${file}`);
  process.exit(1);
}

const mounts: Record<string, string> = { '/': dirname(built) };
if (file !== undefined) mounts['/recording/'] = dirname(resolve(file));
const server = await startStaticServer(mounts, Number(process.env['PORT'] ?? 5758));
const query = file === undefined ? '' : `?src=${encodeURIComponent(`/recording/${basename(file)}`)}`;
console.log(`Trackables recording viewer: ${server.url}/viewer.html${query}\nServing until Ctrl+C.`);
