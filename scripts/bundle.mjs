// Bundles the compiled dist/ into dist/bundle/: one file per entry plus shared
// chunks, so starting devloop reads a handful of files instead of resolving
// and compiling about two thousand modules (the Kubernetes client alone is
// hundreds); commands and the terminal UI stay in chunks loaded when used.
// dist/bundle sits two levels deep like dist/cli, so paths relative to a
// module (package.json, templates/, the config and file hashing workers) hold in both.
import { build } from 'esbuild';

await build({
  entryPoints: {
    main: 'dist/cli/main.js',
    'reads-config': 'dist/cli/reads-config.js',
    'read-config-file': 'dist/config/read-config-file.js',
    'config-worker': 'dist/config/config-worker.js',
    'file-hash-worker': 'dist/system/file-hash-worker.js',
  },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // Loaded only by Ink's developer tools or as WebAssembly beside its package: left to Node.
  external: ['react-devtools-core', 'yoga-layout'],
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __devloopRequire } from 'node:module'; const require = __devloopRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
});
