import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FileHashPool } from './file-hash-pool.ts';
import { type HashedFile, SerialFileHasher } from './file-hasher.ts';
import { NodeFileSystem } from './node-file-system.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'devloop-hash-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sizes = { empty: 0, small: 5, edge: 256 * 1024, over: 256 * 1024 + 1, large: 3 * 1024 * 1024 };
for (const [name, size] of Object.entries(sizes)) writeFileSync(path.join(dir, name), Buffer.alloc(size, name));
mkdirSync(path.join(dir, 'sub'));
symlinkSync('small', path.join(dir, 'link'));
symlinkSync('nowhere', path.join(dir, 'dangling'));
let fifo = true;
try {
  execFileSync('mkfifo', [path.join(dir, 'fifo')]);
} catch {
  fifo = false;
}
const paths = [...Object.keys(sizes), 'sub', 'link', 'dangling', 'missing', 'small/below', ...(fifo ? ['fifo'] : [])].map((n) =>
  path.join(dir, n),
);

/** An answer without the moment of its read, which differs between two reads. */
const comparable = (answer: HashedFile) => (answer.kind === 'hashed' ? { ...answer, readAtMs: 0 } : answer);

describe('FileHashPool', () => {
  it('answers as the serial hasher does: stats, digests, and what is not a regular file (never opening a FIFO for reading)', async () => {
    const pool = new FileHashPool({ threads: 2 });
    try {
      const parallel = await pool.hashFiles(paths);
      const serial = await new SerialFileHasher(new NodeFileSystem()).hashFiles(paths);
      expect(parallel.map(comparable)).toEqual(serial.map(comparable));
      expect(parallel.map((a) => a.kind)).toEqual([
        ...Object.keys(sizes).map(() => 'hashed'),
        'not-a-file',
        'not-a-file',
        'not-a-file',
        'missing',
        'missing',
        ...(fifo ? ['not-a-file'] : []),
      ]);
      for (const [i, [name, size]] of Object.entries(sizes).entries()) {
        const answer = parallel[i];
        expect(answer?.kind === 'hashed' && answer.digest).toBe(createHash('sha256').update(Buffer.alloc(size, name)).digest('hex'));
        expect(answer?.kind === 'hashed' && answer.stat.size).toBe(size);
      }
    } finally {
      await pool.close();
    }
  });

  it('splits concurrent requests over its threads and keeps each answer with its request', async () => {
    const pool = new FileHashPool({ threads: 3 });
    try {
      const requests = Array.from({ length: 12 }, (_, i) => paths.slice(i % paths.length));
      const answers = await Promise.all(requests.map((r) => pool.hashFiles(r)));
      expect(pool.threads).toBe(3);
      const serial = new SerialFileHasher(new NodeFileSystem());
      for (const [i, request] of requests.entries())
        expect(answers[i]?.map(comparable)).toEqual((await serial.hashFiles(request)).map(comparable));
    } finally {
      await pool.close();
    }
  });

  it('ends its threads when closed, and after a while without work; it can start again', async () => {
    const pool = new FileHashPool({ threads: 2, idleMs: 1000 });
    await Promise.all([pool.hashFiles(paths), pool.hashFiles(paths)]);
    expect(pool.threads).toBe(2);
    await vi.waitFor(() => expect(pool.threads).toBe(0), { timeout: 10_000, interval: 50 });
    await pool.hashFiles(paths);
    expect(pool.threads).toBe(1);
    await pool.close();
    expect(pool.threads).toBe(0);
    expect((await pool.hashFiles(paths.slice(0, 1)))[0]?.kind).toBe('hashed');
    await pool.close();
  });

  it('rejects work still queued or running when closed', async () => {
    const pool = new FileHashPool({ threads: 1 });
    const many = Array.from({ length: 2000 }, () => path.join(dir, 'large'));
    const running = expect(pool.hashFiles(many)).rejects.toThrow(/closed/);
    const queued = expect(pool.hashFiles(many)).rejects.toThrow(/closed/);
    await pool.close();
    await running;
    await queued;
  });

  it('does not keep a process alive once its work is done, even unclosed', () => {
    const poolModule = path.join(path.dirname(fileURLToPath(import.meta.url)), 'file-hash-pool.ts');
    const script = `
      const { FileHashPool } = await import(${JSON.stringify(poolModule)});
      const pool = new FileHashPool({ threads: 2, idleMs: 60000 });
      const answers = await pool.hashFiles(${JSON.stringify(paths)});
      console.log(answers.filter((a) => a.kind === 'hashed').length, pool.threads);
    `;
    const started = Date.now();
    const scriptFile = path.join(dir, 'unclosed.mjs');
    writeFileSync(scriptFile, script);
    const child = spawnSync(process.execPath, [scriptFile], { encoding: 'utf8', timeout: 20_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe(`${Object.keys(sizes).length} 1`);
    expect(child.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
