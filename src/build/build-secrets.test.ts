import { describe, expect, it } from 'vitest';
import type { ResolvedImage } from '../config/resolved-config.ts';
import { MemoryFileSystem } from '../system/memory-file-system.ts';
import { hashSecrets } from './build-secrets.ts';
import { computeInputDigest } from './input-digest.ts';

const image = (secrets: ResolvedImage['secrets']): ResolvedImage => ({
  name: 'api',
  context: '/p/api',
  dockerfile: '/p/api/Dockerfile',
  target: undefined,
  buildArgs: {},
  secrets,
  dependsOn: [],
  ignore: [],
  repository: 'api',
});

describe('hashSecrets', () => {
  it('hashes each secret by id, from a variable or a file, without keeping the value', async () => {
    const fs = new MemoryFileSystem().put('/p/npmrc', '//registry/:_authToken=abc\n');
    const r = await hashSecrets(image({ tok: { env: 'GH_TOKEN' }, npmrc: { file: '/p/npmrc' } }), { fs, env: { GH_TOKEN: 'hunter2' } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.keys(r.value)).toEqual(['npmrc', 'tok']);
    expect(JSON.stringify(r.value)).not.toContain('hunter2');
    expect(r.value.tok).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the key path of a variable that is not set and of a file that does not exist', async () => {
    const r = await hashSecrets(image({ tok: { env: 'GH_TOKEN' }, npmrc: { file: '/p/missing' } }), {
      fs: new MemoryFileSystem(),
      env: {},
    });
    expect(!r.ok && r.error.map((d) => d.message)).toEqual([
      'images.api.secrets.npmrc.file: /p/missing does not exist',
      'images.api.secrets.tok.env: environment variable GH_TOKEN is not set',
    ]);
  });
});

describe('computeInputDigest with secrets', () => {
  const base = { dockerfileText: 'FROM busybox\n', buildArgs: {}, target: undefined, files: [], baseDigests: {} };

  it('changes with a secret’s content and stays as before for images without secrets', () => {
    const a = computeInputDigest({ ...base, secretHashes: { tok: 'a'.repeat(64) } });
    const b = computeInputDigest({ ...base, secretHashes: { tok: 'b'.repeat(64) } });
    expect(a).not.toBe(b);
    expect(computeInputDigest({ ...base, secretHashes: {} })).toBe(computeInputDigest(base));
  });
});
