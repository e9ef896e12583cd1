import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { crossCheck, followContextLinks } from './cross-check.ts';
import { resolveConfig } from './resolve-config.ts';
import type { ImageConfig } from './types.ts';

describe('build inputs outside the project', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const project = () => {
    const root = mkdtempSync(path.join(tmpdir(), 'devloop-cross-'));
    const outside = mkdtempSync(path.join(tmpdir(), 'devloop-cross-out-'));
    dirs.push(root, outside);
    mkdirSync(path.join(root, 'app'));
    writeFileSync(path.join(root, 'app/Dockerfile'), 'FROM busybox\n');
    writeFileSync(path.join(outside, 'Dockerfile'), 'FROM busybox\n');
    return { root, outside };
  };
  const check = (root: string, web: ImageConfig) => {
    const config = resolveConfig({ raw: { images: { web } }, configFile: path.join(root, 'devloop.config.ts'), localFile: undefined });
    return crossCheck(config, () => 'devloop.config.ts', new NodeFileSystem()).then((d) => ({ config, diagnostics: d }));
  };

  it('refuses a context or Dockerfile outside the project, by path or through a symlink, naming the key', async () => {
    const { root, outside } = project();
    symlinkSync(outside, path.join(root, 'linked'));
    const cases: [ImageConfig, string, RegExp][] = [
      [{ context: '../../../../../..' }, 'images.web.context', /is \/, outside the project/],
      [{ context: 'app', dockerfile: path.join(outside, 'Dockerfile') }, 'images.web.dockerfile', /outside the project/],
      [{ context: 'linked' }, 'images.web.context', /linked leads through a symlink to .*, outside the project/],
    ];
    for (const [web, keyPath, message] of cases) {
      const { diagnostics } = await check(root, web);
      expect(diagnostics).toEqual([
        expect.objectContaining({ code: 'config-outside-project', keyPath, message: expect.stringMatching(message) }),
      ]);
      expect(diagnostics[0]?.hint).toMatch(/images\.web\.allowOutsideProject: true/);
    }
  });

  it('allows them when the config says so, but never the root of the file system', async () => {
    const { root, outside } = project();
    symlinkSync(outside, path.join(root, 'linked'));
    expect((await check(root, { context: 'linked', allowOutsideProject: true })).diagnostics).toEqual([]);
    const slash = await check(root, { context: '../../../../../..', allowOutsideProject: true });
    expect(slash.diagnostics.map((d) => d.message)).toEqual(['the context is the root of the file system']);
  });

  it('follows a context that is a symlink inside the project to the folder it leads to', async () => {
    const { root } = project();
    symlinkSync(path.join(root, 'app'), path.join(root, 'current'));
    const { config, diagnostics } = await check(root, { context: 'current' });
    expect(diagnostics).toEqual([]);
    const followed = await followContextLinks(config, new NodeFileSystem());
    expect(followed.images.web?.context).toBe(path.join(root, 'app'));
    expect(followed.images.web?.dockerfile).toBe(path.join(root, 'app/Dockerfile'));
  });
});
