// Builds everything that runs in a browser. The agent's ESM + .d.ts come from tsc
// (tsconfig.agent.json); see scripts/build.mjs for the order.
//
// TypeScript is transpiled by esbuild-loader (no type checking in the bundle step: `npm run
// typecheck` does that with tsc), which keeps builds fast and independent of the TypeScript
// compiler API.
import { resolve } from 'node:path';
import CopyPlugin from 'copy-webpack-plugin';
import { packageVersion } from './scripts/version.mjs';

const root = import.meta.dirname;

const common = (argv) => ({
  mode: argv.mode ?? 'production',
  devtool: argv.mode === 'development' ? 'cheap-source-map' : false,
  resolve: {
    extensions: ['.ts', '.tsx', '.js'],
    // Sources import with .js extensions (Node ESM style); map them back to the .ts files.
    extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
  },
  module: {
    rules: [
      { test: /\.tsx?$/, loader: 'esbuild-loader', options: { target: 'es2022', jsx: 'automatic' } },
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
    ],
  },
  performance: { hints: false },
  stats: 'errors-warnings',
});

function withVersion(manifestJson) {
  const { manifest_version, name, ...rest } = JSON.parse(manifestJson.toString());
  return `${JSON.stringify({ manifest_version, name, version: packageVersion(), ...rest }, null, 2)}\n`;
}

export default (env = {}, argv = {}) => [
  {
    // Script-tag build: <script src="trackables.global.js"> gives window.Trackables.
    ...common(argv),
    name: 'agent',
    entry: { 'trackables.global': './agent/index.ts' },
    output: { path: resolve(root, 'dist/agent'), filename: '[name].js', library: { name: 'Trackables', type: 'window' } },
  },
  {
    ...common(argv),
    name: 'extension',
    entry: {
      content: './extension/content/relay.ts',
      worker: './extension/worker/router.ts',
      devtools: './extension/devtools/devtools.ts',
      panel: './panel/index.tsx',
      // The recording viewer: also an extension page, and plain static files (scripts/viewer.ts).
      viewer: './panel/viewer.tsx',
    },
    output: { path: resolve(root, 'dist/extension'), filename: '[name].js', clean: true },
    plugins: [
      new CopyPlugin({
        patterns: [
          // The version comes from package.json only (scripts/version.mjs).
          { from: 'extension/manifest.json', transform: (content) => withVersion(content) },
          { from: 'extension/devtools/devtools.html' },
          // The PNGs only: icon.svg is their source (scripts/icons.ts).
          { from: 'extension/icons', to: 'icons', globOptions: { ignore: ['**/*.svg'] } },
          { from: 'panel/panel.html' },
          { from: 'panel/viewer.html' },
        ],
      }),
    ],
  },
  {
    // The demo app, importing the agent as an app would.
    ...common(argv),
    name: 'demo',
    entry: { app: './examples/demo/app.ts' },
    output: { path: resolve(root, 'dist/demo'), filename: '[name].js', clean: true },
    plugins: [new CopyPlugin({ patterns: [{ from: 'examples/demo/index.html' }] })],
  },
];
