import { describe, expect, it } from 'vitest';
import type { ResolvedImage } from '../../config/resolved-config.ts';
import { MemoryFileSystem } from '../../system/memory-file-system.ts';
import { resolvedImage } from '../resolved-image.test-support.ts';
import { configBuildArgFindings, lintImages } from './lint-images.ts';

const image = (name: string, extra: Partial<ResolvedImage> = {}) =>
  resolvedImage(name, { context: '/p/app', dockerfile: '/p/app/Dockerfile', ...extra });
const displayPath = (file: string) => file.replace('/p/', '');

describe('lintImages', () => {
  it('reports a finding of a context two images share once', async () => {
    const fs = new MemoryFileSystem().put('/p/app/Dockerfile', 'FROM busybox\nCOPY . /app\n').put('/p/app/.env', 'TOKEN=x\n');
    const linted = await lintImages({ fs, images: [image('api'), image('worker')], named: true, displayPath });
    if (!('findings' in linted)) throw new Error(linted.unusable.message);
    expect(linted.findings.filter((f) => f.rule === 'secrets-in-context')).toHaveLength(1);
  });

  it('stops at an image without a Dockerfile, or whose Dockerfile is none', async () => {
    const missing = await lintImages({ fs: new MemoryFileSystem(), images: [image('api')], named: true, displayPath });
    expect(missing).toEqual({
      unusable: { severity: 'error', code: 'dockerfile-missing', message: 'image "api": no Dockerfile here', file: 'app/Dockerfile' },
    });
    const fs = new MemoryFileSystem().put('/p/app/Dockerfile', '{"name": "app", "version": "1.0.0"}\n');
    const invalid = await lintImages({ fs, images: [image('api')], named: true, displayPath });
    expect('unusable' in invalid && invalid.unusable.code).toBe('dockerfile-invalid');
  });
});

describe('configBuildArgFindings', () => {
  it('finds a secret-looking build arg at its line in the config', async () => {
    const fs = new MemoryFileSystem().put(
      '/p/devloop.config.ts',
      "export default {\n  images: { api: { buildArgs: { NPM_TOKEN: 'x' } } },\n};\n",
    );
    const findings = await configBuildArgFindings(
      fs,
      { configFile: '/p/devloop.config.ts', localFile: undefined, images: { api: image('api', { buildArgs: { NPM_TOKEN: 'x' } }) } },
      displayPath,
    );
    expect(findings.map((f) => [f.rule, f.file, f.line])).toEqual([['secret-build-arg', 'devloop.config.ts', 2]]);
  });
});
