import { describe, expect, it } from 'vitest';
import { createBuildContext } from '../graph/build-context.ts';
import { createWatchFilter, gitignoreToDockerignore, globToRegExp, watchRoots } from './watch-filter.ts';

const context = createBuildContext({
  dir: '/p/api',
  dockerfile: '/p/api/Dockerfile',
  dockerignore: 'node_modules\n*.md\n!KEEP.md\n.env',
  extraIgnore: ['tests/**'],
});
const input = {
  rootDir: '/p',
  contexts: [context],
  configFiles: ['/p/devloop.config.ts'],
  manifests: ['k8s/*.yaml'],
  ignore: ['api/generated'],
};
const ignored = createWatchFilter(input);

describe('watch filter', () => {
  it('watches what the build context sends to Docker', () => {
    expect(ignored('/p/api/main.py', 'file')).toBe(false);
    expect(ignored('/p/api/Dockerfile', 'file')).toBe(false);
    expect(ignored('/p/api/.dockerignore', 'file')).toBe(false);
    expect(ignored('/p/api/KEEP.md', 'file')).toBe(false);
  });

  it('ignores what .dockerignore, the image ignore and watch.ignore exclude', () => {
    expect(ignored('/p/api/README.md', 'file')).toBe(true);
    expect(ignored('/p/api/.env', 'file')).toBe(true);
    expect(ignored('/p/api/tests/test_x.py', 'file')).toBe(true);
    expect(ignored('/p/api/generated', 'directory')).toBe(true);
  });

  it('ignores .git and editor temporary files', () => {
    expect(ignored('/p/api/.git', 'directory')).toBe(true);
    expect(ignored('/p/api/.main.py.swp', 'file')).toBe(true);
    expect(ignored('/p/api/main.py~', 'file')).toBe(true);
    expect(ignored('/p/api/4913', 'file')).toBe(true);
    expect(ignored('/p/api/.#main.py', 'file')).toBe(true);
  });

  it("watches local commands' deps outside every context, even ones .dockerignore leaves out, and their roots", () => {
    const withDeps = { ...input, localDeps: ['schema/**/*.yaml', 'api/README.md'] };
    const deps = createWatchFilter(withDeps);
    expect(deps('/p/schema/v1/api.yaml', 'file')).toBe(false);
    expect(deps('/p/schema/v1', 'directory')).toBe(false);
    expect(deps('/p/schema/notes.txt', 'file')).toBe(true);
    expect(deps('/p/api/README.md', 'file')).toBe(false);
    expect(ignored('/p/schema/v1/api.yaml', 'file')).toBe(true);
    expect(watchRoots(withDeps)).toContain('/p/schema');
  });

  it("walks a local command's dep folder inside a context that ignores it (a schema beside the code it generates)", () => {
    const deps = createWatchFilter({ ...input, localDeps: ['api/node_modules/**'] });
    expect(deps('/p/api/node_modules', 'directory')).toBe(false);
    expect(deps('/p/api/node_modules/x', 'directory')).toBe(false);
    expect(deps('/p/api/node_modules/x/a.js', 'file')).toBe(false);
    expect(ignored('/p/api/node_modules/x/a.js', 'file')).toBe(true);
  });

  it('watches config and manifest files, and walks directories that lead to them', () => {
    expect(ignored('/p/devloop.config.ts', 'file')).toBe(false);
    expect(ignored('/p/k8s/api.yaml', 'file')).toBe(false);
    expect(ignored('/p/k8s/notes.txt', 'file')).toBe(true);
    expect(ignored('/p', 'directory')).toBe(false);
    expect(ignored('/p/k8s', 'directory')).toBe(false);
    expect(ignored('/p/docs', 'directory')).toBe(true);
  });

  it("walks every folder under a `**` pattern (a chart's templates), not only the ones on the way to it", () => {
    const deep = createWatchFilter({ ...input, manifests: ['/p/charts/api/**', 'k8s/**/*.yaml'] });
    expect(deep('/p/charts/api/templates', 'directory')).toBe(false);
    expect(deep('/p/charts/api/templates/deployment.yaml', 'file')).toBe(false);
    expect(deep('/p/k8s/overlays/dev', 'directory')).toBe(false);
    expect(deep('/p/k8s/overlays/dev/patch.yaml', 'file')).toBe(false);
    expect(deep('/p/charts/web', 'directory')).toBe(true);
    expect(ignored('/p/k8s/sub', 'directory')).toBe(true);
  });

  it('does not prune an ignored directory when an exception may re-include inside it', () => {
    expect(ignored('/p/api/node_modules', 'directory')).toBe(false);
    const plain = createWatchFilter({
      ...input,
      contexts: [createBuildContext({ dir: '/p/api', dockerfile: '/p/api/Dockerfile', dockerignore: 'node_modules' })],
    });
    expect(plain('/p/api/node_modules', 'directory')).toBe(true);
  });

  it('watch roots are the contexts, manifest directories and config files, nested ones folded', () => {
    expect(watchRoots(input)).toEqual(['/p/api', '/p/devloop.config.ts', '/p/k8s']);
  });

  it('globs match like the shell', () => {
    expect(globToRegExp('/p/k8s/*.yaml').test('/p/k8s/a.yaml')).toBe(true);
    expect(globToRegExp('/p/k8s/*.yaml').test('/p/k8s/sub/a.yaml')).toBe(false);
    expect(globToRegExp('/p/**/*.yaml').test('/p/k8s/sub/a.yaml')).toBe(true);
  });

  it('watch.ignore is gitignore: a pattern without a slash matches at any depth, a leading slash anchors', () => {
    const filter = createWatchFilter({ ...input, ignore: ['*.log', '/api/tmp', 'cache/', '!keep.log'] });
    expect(filter('/p/api/debug.log', 'file')).toBe(true);
    expect(filter('/p/api/deep/x/debug.log', 'file')).toBe(true);
    expect(filter('/p/api/keep.log', 'file')).toBe(false);
    expect(filter('/p/api/tmp', 'directory')).toBe(true);
    expect(filter('/p/api/src/tmp', 'directory')).toBe(false);
    expect(filter('/p/api/src/cache', 'directory')).toBe(true);
    expect(gitignoreToDockerignore(['# c', '', 'a/b', '/c', 'd/', '!e', '**/f'])).toEqual(['a/b', 'c', '**/d', '!**/e', '**/f']);
  });

  it('watches ..data files (Kubernetes-style names) and the Dockerfile-specific ignore file', () => {
    expect(ignored('/p/api/..data', 'file')).toBe(false);
    expect(ignored('/p/api/config/..data', 'directory')).toBe(false);
    expect(ignored('/p/api/Dockerfile.dockerignore', 'file')).toBe(false);
  });

  it('watches a Dockerfile that lives outside its context', () => {
    const outside = createBuildContext({ dir: '/p/api', dockerfile: '/p/docker/api.Dockerfile', dockerignore: undefined });
    const watched = { ...input, contexts: [outside] };
    expect(createWatchFilter(watched)('/p/docker/api.Dockerfile', 'file')).toBe(false);
    expect(createWatchFilter(watched)('/p/docker/api.Dockerfile.dockerignore', 'file')).toBe(false);
    expect(watchRoots(watched)).toContain('/p/docker/api.Dockerfile');
  });
});
