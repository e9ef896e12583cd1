/**
 * The layering of src/ (see the README's layout section), checked by
 * `npm run lint`: each folder imports only the folders listed for it, and the
 * outside world comes in through one adapter each. Tests may cross layers.
 */
const layers = {
  core: [],
  system: ['core'],
  config: ['core', 'system'],
  graph: ['core', 'config/types'],
  watch: ['core', 'system', 'graph'],
  build: ['core', 'system', 'graph', 'config/types', 'config/resolved-config'],
  deliver: ['core', 'system', 'config/types'],
  k8s: ['core', 'system'],
  local: ['core', 'system', 'config/resolved-config'],
  engine: ['core', 'graph', 'build', 'deliver', 'k8s', 'local', 'watch'],
  ui: ['core', 'engine'],
  report: ['core', 'engine'],
  onboard: ['core', 'system', 'config', 'graph', 'build', 'deliver', 'k8s'],
};

/** Outside modules and the only files that may import them. */
const adapters = {
  execa: '^src/system/execa-runner\\.ts$',
  chokidar: '^src/watch/chokidar-watcher\\.ts$',
  'fs(/promises)?': '^src/system/node-file-system\\.ts$',
  '@kubernetes/client-node': '^src/k8s/',
};

const tests = '\\.test\\.tsx?$|\\.test-support\\.ts$';

export default {
  forbidden: [
    ...Object.entries(layers).map(([from, allowed]) => ({
      name: `layer-${from}`,
      comment: `src/${from} may import only ${allowed.join(', ') || 'nothing outside itself'}`,
      severity: 'error',
      from: { path: `^src/${from}/`, pathNot: tests },
      to: { path: '^src/', pathNot: `^src/(${[from, ...allowed].join('|')})(/|\\.ts$)` },
    })),
    ...Object.entries(adapters).map(([module, only]) => ({
      name: `adapter-${module.replace(/\W+/g, '-')}`,
      comment: `only ${only} imports ${module}; everything else receives its interface`,
      severity: 'error',
      from: { path: '^src/', pathNot: `${only}|${tests}` },
      to: { path: `^(node:)?${module}$|node_modules/${module}/` },
    })),
    {
      name: 'no-cycles',
      comment: 'modules that import each other cannot be understood or tested alone',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
