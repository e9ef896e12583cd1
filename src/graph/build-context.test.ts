import { describe, expect, it } from 'vitest';
import { createBuildContext, parseDockerignore, toContextPath } from './build-context.ts';

describe('createBuildContext', () => {
  const context = createBuildContext({
    dir: '/p/svc',
    dockerfile: '/p/svc/Dockerfile',
    dockerignore: '# comment\n\nnode_modules\n**/*.log\ndocs/*\n!docs/keep.md\n*.md\n!README.md\nDockerfile\n',
    extraIgnore: ['tmp/**'],
  });

  it('anchors patterns at the context root', () => {
    expect(context.inContext('node_modules/x/index.js')).toBe(false);
    expect(context.inContext('lib/node_modules/x.js')).toBe(true);
  });

  it('matches ** across directories', () => {
    expect(context.inContext('a/b/c/debug.log')).toBe(false);
    expect(context.inContext('debug.log')).toBe(false);
  });

  it('re-includes ! exceptions, the later pattern winning', () => {
    expect(context.inContext('docs/other.md')).toBe(false);
    // `*.md` is anchored at the root, so it does not undo `!docs/keep.md`.
    expect(context.inContext('docs/keep.md')).toBe(true);
    expect(context.inContext('CHANGES.md')).toBe(false);
    expect(context.inContext('README.md')).toBe(true);
  });

  it('drops an ignored Dockerfile from what COPY sees but still watches it and .dockerignore', () => {
    expect(context.inContext('Dockerfile')).toBe(false);
    expect(context.watches('Dockerfile')).toBe(true);
    expect(context.watches('.dockerignore')).toBe(true);
  });

  it('adds the image extra ignore patterns for watching only', () => {
    expect(context.inContext('tmp/cache/x')).toBe(true);
    expect(context.watches('tmp/cache/x')).toBe(false);
    expect(context.watches('src/app.py')).toBe(true);
  });

  it('reads pattern lines and relative paths', () => {
    expect(parseDockerignore('a\n  # c\n\n b \n')).toEqual(['a', 'b']);
    expect(toContextPath('/p/svc', '/p/svc/a/b.txt')).toBe('a/b.txt');
    expect(toContextPath('/p/svc', 'a/b.txt')).toBe('a/b.txt');
    expect(toContextPath('/p/svc', '/p/other/x')).toBeUndefined();
  });
});
