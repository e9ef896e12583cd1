#!/usr/bin/env node
// Launcher: checks the Node version before loading anything that needs a newer one.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  process.stderr.write(
    `devloop needs Node.js 22.22 or newer (this is ${process.version}).\n` +
      'Install a current Node.js (24 LTS recommended), or run devloop through `npx devloop` inside a project where `npm install` added Node 24.\n',
  );
  process.exit(2);
}
// Compiled code of devloop and its libraries is cached on disk (Node's compile cache): later starts skip most of the parsing.
(await import('node:module')).enableCompileCache?.();
// React's production build: much cheaper frames for the terminal UI.
process.env.NODE_ENV ??= 'production';
// A command that reads devloop.config.ts starts the config's loader thread first: its start-up overlaps the CLI's.
// The bundle (`npm run build`) when it is there and no older than the compiled files (a bare
// `tsc -p tsconfig.build.json` leaves it stale): a few files to load instead of thousands of modules.
const { statSync } = await import('node:fs');
const mtime = (file) => statSync(new URL(file, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? Number.NaN;
const bundled = mtime('../dist/bundle/main.js') >= mtime('../dist/cli/main.js');
const entry = (bundle, module) => (bundled ? `../dist/bundle/${bundle}.js` : `../dist/${module}.js`);
const { readsConfig } = await import(entry('reads-config', 'cli/reads-config'));
if (readsConfig(process.argv.slice(2))) (await import(entry('read-config-file', 'config/read-config-file'))).prewarmConfigWorker();
const { main } = await import(entry('main', 'cli/main'));
process.exitCode = await main(process.argv.slice(2));
