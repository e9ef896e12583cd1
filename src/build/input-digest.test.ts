import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBuildContext } from '../graph/build-context.ts';
import { parseDockerfile } from '../graph/dockerfile-model.ts';
import { FileHashPool } from '../system/file-hash-pool.ts';
import { MemoryFileSystem } from '../system/memory-file-system.ts';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { HashIndex } from './hash-index.ts';
import { collectInputFiles, computeInputDigest, type InputFile, tagForDigest, updateInputFiles } from './input-digest.ts';

const dockerfile = 'FROM busybox\nCOPY requirements.txt /\nCOPY app /app\nCOPY *.toml /\n';

async function inputs(fs: MemoryFileSystem, text = dockerfile, dockerignore?: string) {
  const index = await HashIndex.open({ fs });
  const context = createBuildContext({ dir: '/p', dockerfile: '/p/Dockerfile', dockerignore });
  const model = parseDockerfile({ text, file: 'Dockerfile' });
  return collectInputFiles({ fs, index, context, model, target: undefined });
}

function tree(): MemoryFileSystem {
  return new MemoryFileSystem()
    .put('/p/Dockerfile', dockerfile)
    .put('/p/requirements.txt', 'flask\n')
    .put('/p/app/main.py', 'print(1)\n')
    .put('/p/app/cache.pyc', 'x')
    .put('/p/pyproject.toml', '[x]\n')
    .put('/p/README.md', '# hi\n');
}

describe('collectInputFiles', () => {
  it('lists exactly the files the COPY sources select, after .dockerignore', async () => {
    const files = await inputs(tree(), dockerfile, '**/*.pyc\n');
    expect(files.map((f) => `${f.kind}:${f.path}`)).toEqual([
      'directory:app',
      'file:app/main.py',
      'file:pyproject.toml',
      'file:requirements.txt',
    ]);
  });

  it('reads small files in blocking batches, yielding to the event loop between them, and large files without blocking', async () => {
    const fs = tree().put('/p/app/big.bin', 'x'.repeat(300 * 1024));
    for (let i = 0; i < 200; i++) fs.put(`/p/app/m${String(i).padStart(3, '0')}.py`, `print(${i})\n`);
    const blocking: string[] = [];
    const readBytesNow = fs.readBytesNow.bind(fs);
    fs.readBytesNow = (file) => {
      blocking.push(file);
      return readBytesNow(file);
    };
    let yielded = 0;
    const ticks = setInterval(() => yielded++, 0);
    const walk = inputs(fs);
    const files = await walk;
    clearInterval(ticks);
    expect(files.filter((f) => f.kind === 'file')).toHaveLength(205);
    expect(blocking).toHaveLength(204);
    expect(blocking).not.toContain('/p/app/big.bin');
    expect(fs.reads).toContain('/p/app/big.bin');
    // 200-odd entries in batches of 64: the loop ran timers in between.
    expect(yielded).toBeGreaterThan(0);
  });

  it('reads only selected files', async () => {
    const fs = tree();
    await inputs(fs);
    expect(fs.reads.sort()).toEqual(['/p/app/cache.pyc', '/p/app/main.py', '/p/pyproject.toml', '/p/requirements.txt']);
  });
});

describe('computeInputDigest', () => {
  const base = { dockerfileText: dockerfile, buildArgs: { A: '1' }, target: undefined, baseDigests: {} };

  it('changes with content, mode, build args, target and base digests; not with mtime', async () => {
    const fs = tree();
    const d0 = computeInputDigest({ ...base, files: await inputs(fs) });
    fs.put('/p/README.md', 'changed');
    expect(computeInputDigest({ ...base, files: await inputs(fs) })).toBe(d0);
    fs.put('/p/app/main.py', 'print(1)\n', { mtimeNs: '5' });
    expect(computeInputDigest({ ...base, files: await inputs(fs) })).toBe(d0);
    fs.put('/p/app/main.py', 'print(1)\n', { mode: 0o100755 });
    const d1 = computeInputDigest({ ...base, files: await inputs(fs) });
    expect(d1).not.toBe(d0);
    const files = await inputs(fs);
    expect(computeInputDigest({ ...base, files, buildArgs: { A: '2' } })).not.toBe(d1);
    expect(computeInputDigest({ ...base, files, target: 'x' })).not.toBe(d1);
    expect(computeInputDigest({ ...base, files, baseDigests: { base: 'sha256:1' } })).not.toBe(d1);
    expect(computeInputDigest({ ...base, files, buildArgs: { A: '1' } })).toBe(d1);
  });

  it('derives a devloop tag, never latest', () => {
    expect(tagForDigest('sha256:0123456789abcdef0123')).toBe('devloop-0123456789ab');
  });
});

describe('updateInputFiles', () => {
  it('gives the same answer as a full walk, looking only at the changed paths', async () => {
    const fs = tree();
    const index = await HashIndex.open({ fs });
    const context = createBuildContext({ dir: '/p', dockerfile: '/p/Dockerfile', dockerignore: '**/*.pyc\n' });
    const model = parseDockerfile({ text: dockerfile, file: 'Dockerfile' });
    const options = { fs, index, context, model, target: undefined };
    fs.put('/p/app/keep.py', 'unchanged\n');
    const previous = await collectInputFiles(options);

    fs.put('/p/app/main.py', 'print(2)\n');
    fs.put('/p/app/new/util.py', 'x = 1\n');
    fs.put('/p/app/other.pyc', 'ignored');
    fs.put('/p/notes.txt', 'not selected');
    fs.remove('/p/pyproject.toml');
    const changed = ['/p/app/main.py', '/p/app/new/util.py', '/p/app/other.pyc', '/p/notes.txt', '/p/pyproject.toml'];
    index.invalidate(changed);
    const incremental = await updateInputFiles({ ...options, previous, changed });
    expect(incremental).toEqual(await collectInputFiles(options));
    expect(incremental.map((f) => f.path)).toEqual(['app', 'app/keep.py', 'app/main.py', 'app/new', 'app/new/util.py', 'requirements.txt']);
  });
  it('agrees with a full walk for a deleted directory, a sibling sorting between, and many changes at once', async () => {
    const fs = tree();
    const index = await HashIndex.open({ fs });
    const context = createBuildContext({ dir: '/p', dockerfile: '/p/Dockerfile', dockerignore: undefined });
    const model = parseDockerfile({ text: dockerfile, file: 'Dockerfile' });
    const options = { fs, index, context, model, target: undefined };
    fs.put('/p/app/lib/a.py', 'a').put('/p/app/lib/b/c.py', 'c').put('/p/app/lib-x.py', 'x').put('/p/app/lib.py', 'l');
    let previous = await collectInputFiles(options);
    fs.remove('/p/app/lib');
    fs.put('/p/app/lib-y.py', 'y');
    let changed = ['/p/app/lib', '/p/app/lib-y.py'];
    index.invalidate(changed);
    previous = await updateInputFiles({ ...options, previous, changed });
    expect(previous).toEqual(await collectInputFiles(options));
    expect(previous.map((f) => f.path)).toContain('app/lib-x.py');

    changed = Array.from({ length: 40 }, (_, i) => `/p/app/many/m${i}.py`);
    for (const file of changed) fs.put(file, file);
    fs.put('/p/app/main.py', 'print(3)\n');
    changed.push('/p/app/main.py');
    index.invalidate(changed);
    expect(await updateInputFiles({ ...options, previous, changed })).toEqual(await collectInputFiles(options));
  });
});

describe('reading on worker threads', () => {
  it('gives the same inputs and digest as reading on the main thread, cold, warm and after edits', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'devloop-walk-'));
    const pool = new FileHashPool({ threads: 2 });
    try {
      const text = 'FROM busybox\nCOPY src /src\nCOPY *.toml /\n';
      writeFileSync(path.join(dir, 'Dockerfile'), text);
      writeFileSync(path.join(dir, 'pyproject.toml'), '[x]\n');
      for (let d = 0; d < 6; d++) {
        mkdirSync(path.join(dir, `src/d${d}/deep`), { recursive: true });
        for (let f = 0; f < 150; f++) writeFileSync(path.join(dir, `src/d${d}/f${f}.py`), `print(${d}, ${f})\n`);
        writeFileSync(path.join(dir, `src/d${d}/deep/x.pyc`), 'ignored');
        writeFileSync(path.join(dir, `src/d${d}/deep/big.bin`), Buffer.alloc(300 * 1024, d));
      }
      symlinkSync('f1.py', path.join(dir, 'src/d0/link.py'));
      const fs = new NodeFileSystem();
      const context = createBuildContext({ dir, dockerfile: path.join(dir, 'Dockerfile'), dockerignore: '**/*.pyc\n' });
      const model = parseDockerfile({ text, file: 'Dockerfile' });
      const walk = (index: HashIndex) => collectInputFiles({ fs, index, context, model, target: undefined });
      const digest = (files: InputFile[]) =>
        computeInputDigest({ dockerfileText: text, buildArgs: {}, target: undefined, files, baseDigests: {} });
      const serialIndex = await HashIndex.open({ fs });
      const parallelIndex = await HashIndex.open({ fs, hasher: pool });

      const serial = await walk(serialIndex);
      const parallel = await walk(parallelIndex);
      expect(parallel).toEqual(serial);
      expect(serial.filter((f) => f.kind === 'file')).toHaveLength(6 * 151 + 1);
      expect(serial.find((f) => f.path === 'src/d0/link.py')?.kind).toBe('symlink');
      expect(parallelIndex.stats.reads).toBe(serialIndex.stats.reads);
      expect(pool.threads).toBeGreaterThan(0);

      // Warm: answered from the entries (a file whose stat changed is read again), and the same answer.
      for (let d = 0; d < 6; d++) writeFileSync(path.join(dir, `src/d${d}/f7.py`), `changed ${d} and longer\n`);
      rmSync(path.join(dir, 'src/d2/f9.py'));
      writeFileSync(path.join(dir, 'src/d3/new.py'), 'new\n');
      const [serialWarm, parallelWarm] = [await walk(serialIndex), await walk(parallelIndex)];
      expect(parallelWarm).toEqual(serialWarm);
      expect(digest(parallelWarm)).toBe(digest(serialWarm));
      expect(digest(parallelWarm)).not.toBe(digest(parallel));
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
