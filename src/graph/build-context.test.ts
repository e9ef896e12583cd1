import { describe, expect, it } from 'vitest';
import { classicBuilderDisagrees, loadBuildContext } from '../build/build-context-files.ts';
import { ignoreFileCandidates } from '../core/docker-ignore-files.ts';
import { isOutside } from '../core/paths.ts';
import { MemoryFileSystem } from '../system/memory-file-system.ts';
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

describe('entries that share the answer of their directory (sameAsDirectory)', () => {
  const names = ['a', 'b', 'docs', 'x.md', 'y.log', 'node_modules', 'README.md', '.env', 'keep'];
  const dirs = ['', ...names, ...names.flatMap((a) => names.map((b) => `${a}/${b}`))];
  const contextFor = (dockerignore: string) => createBuildContext({ dir: '/p', dockerfile: '/p/Dockerfile', dockerignore });

  it.each([
    'node_modules\n',
    'node_modules\n*.md\n!README.md\n',
    'docs/*\n!docs/keep\n',
    'a/b/*.log\n/a/keep/\n',
    'a/?/x.md\n!a/b/x.md\nb\n',
  ])('agrees with the matcher on every entry where it answers yes (%j)', (dockerignore) => {
    const context = contextFor(dockerignore);
    let checked = 0;
    for (const dir of dirs) {
      if (!context.sameAsDirectory(dir === '' ? 1 : dir.split('/').length + 1)) continue;
      for (const name of names) {
        const entry = dir === '' ? name : `${dir}/${name}`;
        expect(context.inContext(entry), entry).toBe(context.inContext(dir));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('says no at the depths a pattern matches whole, and everywhere for ** or characters it does not model', () => {
    expect(contextFor('node_modules\n').sameAsDirectory(1)).toBe(false);
    expect(contextFor('node_modules\n').sameAsDirectory(2)).toBe(true);
    expect(contextFor('src/*.md\n').sameAsDirectory(2)).toBe(false);
    expect(contextFor('src/*.md\n').sameAsDirectory(3)).toBe(true);
    expect(contextFor('**/*.log\n').sameAsDirectory(3)).toBe(false);
    expect(contextFor('a/[bc]\n').sameAsDirectory(5)).toBe(false);
    expect(contextFor('a/./b\n').sameAsDirectory(5)).toBe(false);
    expect(contextFor('').sameAsDirectory(1)).toBe(true);
  });
});

describe('the ignore file of an image (BuildKit rule)', () => {
  it('prefers <Dockerfile>.dockerignore beside the Dockerfile over the context .dockerignore', async () => {
    const fs = new MemoryFileSystem()
      .put('/p/app/Dockerfile', 'FROM x')
      .put('/p/app/.dockerignore', 'nothing-here')
      .put('/p/app/Dockerfile.dockerignore', '.env\n');
    const context = await loadBuildContext(fs, { dir: '/p/app', dockerfile: '/p/app/Dockerfile' });
    expect(context.ignoreFile).toBe('/p/app/Dockerfile.dockerignore');
    expect(context.inContext('.env')).toBe(false);
    expect(context.inContext('nothing-here')).toBe(true);
    expect(await classicBuilderDisagrees(fs, context)).toBe(true);
  });

  it('names the file after a custom Dockerfile, in its folder, and falls back to .dockerignore', async () => {
    expect(ignoreFileCandidates('/p/app', 'docker/api.Dockerfile')).toEqual([
      '/p/app/docker/api.Dockerfile.dockerignore',
      '/p/app/.dockerignore',
    ]);
    const fs = new MemoryFileSystem().put('/p/app/docker/api.Dockerfile', 'FROM x').put('/p/app/.dockerignore', 'secret\n');
    const fallback = await loadBuildContext(fs, { dir: '/p/app', dockerfile: '/p/app/docker/api.Dockerfile' });
    expect(fallback.ignoreFile).toBe('/p/app/.dockerignore');
    expect(fallback.inContext('secret')).toBe(false);
    expect(await classicBuilderDisagrees(fs, fallback)).toBe(false);
    fs.put('/p/app/docker/api.Dockerfile.dockerignore', 'secret\n');
    const same = await loadBuildContext(fs, { dir: '/p/app', dockerfile: '/p/app/docker/api.Dockerfile' });
    expect(same.ignoreFile).toBe('/p/app/docker/api.Dockerfile.dockerignore');
    expect(await classicBuilderDisagrees(fs, same)).toBe(false);
  });

  it('watches the Dockerfile and both candidate ignore files, present or not', () => {
    const context = createBuildContext({ dir: '/p/app', dockerfile: '/p/app/Dockerfile', dockerignore: 'Dockerfile*\n.dockerignore\n' });
    expect(context.controlFiles).toEqual(['/p/app/Dockerfile', '/p/app/Dockerfile.dockerignore', '/p/app/.dockerignore']);
    expect(context.watches('Dockerfile.dockerignore')).toBe(true);
    expect(context.watches('.dockerignore')).toBe(true);
    expect(context.ignoreFile).toBe('/p/app/.dockerignore');
  });

  it('treats names that start with two dots (..data) as inside', () => {
    expect(toContextPath('/p/svc', '/p/svc/..data')).toBe('..data');
    expect(toContextPath('/p/svc', '/p/svc/config/..data/x')).toBe('config/..data/x');
    expect(isOutside('..')).toBe(true);
    expect(isOutside('../x')).toBe(true);
    expect(isOutside('..data')).toBe(false);
  });
});
