// `npm run bench [-- <scenario>… --iterations N]`: runs bench/main.ts with this Node, which strips TypeScript types itself.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `the benchmarks need Node.js 22.18 or newer to run TypeScript directly (this is ${process.version}); run them through \`npm run bench\`\n`,
  );
  process.exit(2);
}
await import('./main.ts');
