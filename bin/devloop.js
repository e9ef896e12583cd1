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
const { readsConfig } = await import('../dist/cli/reads-config.js');
if (readsConfig(process.argv.slice(2))) (await import('../dist/config/read-config-file.js')).prewarmConfigWorker();
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
