import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeRunner } from '../system/fake-runner.ts';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { encodeStatus } from './buildkit-status.test-support.ts';
import { contextArchive } from './context-archive.ts';
import { DockerBuilder } from './docker-builder.ts';

const t0 = Date.parse('2026-12-02T10:00:00Z');
const dirs: string[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'devloop-engine-'));
  dirs.push(dir);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** An engine on a Unix socket that answers each build with `answer`'s lines; what it was asked is kept. */
async function fakeEngine(answer: (query: URLSearchParams) => { status?: number; lines: unknown[] }) {
  const socketPath = path.join(project({}), 'docker.sock');
  const asked: { query: URLSearchParams; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const query = new URL(req.url ?? '/', 'http://docker').searchParams;
      asked.push({ query, body: Buffer.concat(chunks) });
      const { status = 200, lines } = answer(query);
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(lines.map((l) => JSON.stringify(l)).join('\n'));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { socketPath, asked };
}

const trace = (status: Parameters<typeof encodeStatus>[0]) => ({
  id: 'moby.buildkit.trace',
  aux: Buffer.from(encodeStatus(status)).toString('base64'),
});

function request(context: string) {
  return {
    context,
    dockerfile: path.join(context, 'Dockerfile'),
    target: undefined,
    buildArgs: { VERSION: '2' },
    reference: 'web:devloop-1',
    alsoTag: ['localhost:5000/web:devloop-1'],
    digest: 'sha256:1',
  };
}

describe('DockerBuilder through the engine’s own BuildKit', () => {
  it('sends the context the ignore file lets through in one request and reads the progress BuildKit streams', async () => {
    const dir = project({
      Dockerfile: 'FROM busybox\nCOPY . /app\n',
      '.dockerignore': 'secret.env\n',
      'a.txt': 'a',
      'sub/b.txt': 'b',
      'secret.env': 'X=1',
    });
    const engine = await fakeEngine(() => ({
      lines: [
        trace({ vertexes: [{ digest: 'sha256:c', name: '[2/2] COPY . /app', started: t0, completed: t0 + 100 }] }),
        { id: 'moby.image.id', aux: { ID: 'sha256:img' } },
      ],
    }));
    const runner = new FakeRunner();
    const lines: string[] = [];
    const builder = new DockerBuilder({ runner, kind: 'buildx', engine: { socketPath: engine.socketPath, fs: new NodeFileSystem() } });
    const built = await builder.build({ ...request(dir), onLine: (l) => lines.push(l) });
    expect(built.ok && built.value).toMatchObject({ builder: 'buildx', viaEngine: true, executedSteps: [] });
    expect(lines).toEqual(['#1 [2/2] COPY . /app', '#1 DONE 0.1s']);
    expect(runner.calls).toEqual([]);
    const [{ query, body } = { query: new URLSearchParams(), body: Buffer.alloc(0) }] = engine.asked;
    expect(query.get('version')).toBe('2');
    expect(query.getAll('t')).toEqual(['web:devloop-1', 'localhost:5000/web:devloop-1']);
    expect(JSON.parse(query.get('labels') ?? '{}')).toEqual({ 'devloop.digest': 'sha256:1' });
    expect(JSON.parse(query.get('buildargs') ?? '{}')).toEqual({ VERSION: '2' });
    const listed = execFileSync('tar', ['-t'], { input: body, encoding: 'utf8' }).trim().split('\n').sort();
    expect(listed).toEqual(['.dockerignore', 'Dockerfile', 'a.txt', 'sub/', 'sub/b.txt']);
  });

  it('reports a failed step with its line, and the engine’s message', async () => {
    const dir = project({ Dockerfile: 'FROM busybox\nRUN make\n' });
    const engine = await fakeEngine(() => ({
      lines: [
        trace({ vertexes: [{ digest: 'sha256:r', name: '[2/2] RUN make', started: t0, error: 'exit code: 2' }] }),
        { errorDetail: { message: 'executor failed running [/bin/sh -c make]: exit code: 2' }, error: 'executor failed' },
      ],
    }));
    const builder = new DockerBuilder({
      runner: new FakeRunner(),
      kind: 'buildx',
      engine: { socketPath: engine.socketPath, fs: new NodeFileSystem() },
    });
    const built = await builder.build(request(dir));
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(built.error).toMatchObject({
      reason: 'build-failed',
      message: 'executor failed running [/bin/sh -c make]: exit code: 2',
      outputTail: ['#1 [2/2] RUN make', '#1 ERROR: exit code: 2', 'ERROR: executor failed running [/bin/sh -c make]: exit code: 2'],
    });
  });

  it('goes through buildx when the engine does not answer, a base image needs credentials, or the context is not one request', async () => {
    const buildx = () => new FakeRunner().on('docker buildx', { stdout: '#1 [2/2] COPY . /app\n#1 DONE 0.1s' });
    const fs = new NodeFileSystem();
    const dir = project({ Dockerfile: 'FROM private/base\nCOPY . /app\n', 'a.txt': 'a' });

    const gone = buildx();
    const absent = new DockerBuilder({ runner: gone, kind: 'buildx', engine: { socketPath: path.join(dir, 'no.sock'), fs } });
    expect((await absent.build(request(dir))).ok).toBe(true);
    expect(gone.calls.map((c) => c.args.slice(0, 2).join(' '))).toEqual(['buildx build']);

    const engine = await fakeEngine(() => ({
      lines: [{ errorDetail: { message: 'pull access denied for private/base' }, error: 'denied' }],
    }));
    const denied = buildx();
    const withAuth = new DockerBuilder({ runner: denied, kind: 'buildx', engine: { socketPath: engine.socketPath, fs } });
    expect((await withAuth.build(request(dir))).ok).toBe(true);
    expect(denied.calls.map((c) => c.args.slice(0, 2).join(' '))).toEqual(['buildx build']);

    symlinkSync(path.join(dir, 'a.txt'), path.join(dir, 'link.txt'));
    expect(await contextArchive(fs, request(dir))).toBeUndefined();
  });

  it('leaves big contexts, Dockerfiles outside the context and Dockerfile-specific ignore files to buildx', async () => {
    const fs = new NodeFileSystem();
    const dir = project({ Dockerfile: 'FROM busybox\n', 'a.txt': 'a', 'b.txt': 'b' });
    expect(await contextArchive(fs, request(dir), { files: 1, bytes: 1e6 })).toBeUndefined();
    expect(await contextArchive(fs, request(dir), { files: 10, bytes: 1 })).toBeUndefined();
    expect((await contextArchive(fs, request(dir)))?.files).toBe(3);
    const outside = project({ 'Dockerfile.dev': 'FROM busybox\n' });
    expect(await contextArchive(fs, { context: dir, dockerfile: path.join(outside, 'Dockerfile.dev') })).toBeUndefined();
    writeFileSync(path.join(dir, 'Dockerfile.dockerignore'), 'a.txt\n');
    expect(await contextArchive(fs, request(dir))).toBeUndefined();
  });
});

describe('DockerBuilder: what stays with buildx', () => {
  it('builds with a secret-looking build arg through buildx, whose session carries it, not in the engine request URL', async () => {
    const dir = project({ Dockerfile: 'FROM busybox\nARG NPM_TOKEN\n' });
    const engine = await fakeEngine(() => ({ lines: [] }));
    const runner = new FakeRunner().on('docker buildx', { stdout: '#1 DONE 0.0s' });
    const builder = new DockerBuilder({ runner, kind: 'buildx', engine: { socketPath: engine.socketPath, fs: new NodeFileSystem() } });
    expect((await builder.build({ ...request(dir), buildArgs: { NPM_TOKEN: 'x' } })).ok).toBe(true);
    expect(engine.asked).toEqual([]);
    expect(runner.calls).toHaveLength(1);
  });
});
