import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../graph/dockerfile-model.ts';
import { MemoryFileSystem } from '../../system/memory-file-system.ts';
import { loadBuildContext } from '../build-context-files.ts';
import type { LintRuleId } from './lint-finding.ts';
import { lintImage } from './lint-image.ts';

const good = `FROM python:3.12-slim AS build
WORKDIR /srv
COPY requirements.txt .
RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*
RUN pip install -r requirements.txt
COPY . .
ADD vendor.tar.gz /opt/
FROM build
RUN useradd -r app
USER app
CMD ["python", "-m", "app"]
`;

async function lint(text: string, options: { dockerignore?: string; files?: Record<string, string>; devloop?: string[] } = {}) {
  const fs = new MemoryFileSystem().put('/p/Dockerfile', text).put('/p/requirements.txt', 'x');
  if (options.dockerignore !== undefined) fs.put('/p/.dockerignore', options.dockerignore);
  for (const [file, content] of Object.entries(options.files ?? {})) fs.put(`/p/${file}`, content);
  const context = await loadBuildContext(fs, { dir: '/p', dockerfile: '/p/Dockerfile' });
  const model = parseDockerfile({ text, file: 'Dockerfile' });
  return lintImage({
    fs,
    model,
    target: undefined,
    context,
    devloopRepositories: new Set(options.devloop ?? []),
  });
}

const rules = (findings: { rule: LintRuleId; line: number | undefined }[]) => findings.map((f) => `${f.rule}@${f.line ?? '-'}`);

describe('lints', () => {
  it('raise no false alarm on a well-written Dockerfile and context', async () => {
    const findings = await lint(good, {
      dockerignore: '.git\n.env\n',
      files: { '.env': 'SECRET=1', '.git/HEAD': 'ref', '.env.example': 'SECRET=' },
    });
    expect(findings).toEqual([]);
  });

  it('copy-before-install: the whole context before pip install', async () => {
    const f = await lint('FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\nUSER app\nCMD ["x"]\n', { dockerignore: '' });
    expect(rules(f)).toEqual(['copy-before-install@2']);
    expect(f[0]?.fix).toContain('requirements.txt');
  });

  it('unpinned-base: no tag or latest; not stages, scratch, digests or devloop images', async () => {
    const f = await lint('FROM debian AS a\nFROM busybox:latest AS b\nFROM a\nFROM scratch\nFROM x@sha256:abc\nFROM base\nUSER app\n', {
      dockerignore: '',
      devloop: ['base'],
    });
    expect(rules(f)).toEqual(['unpinned-base@1', 'unpinned-base@2']);
  });

  it('shell-form-cmd: CMD and ENTRYPOINT in shell form', async () => {
    const f = await lint('FROM busybox:1.36\nUSER app\nENTRYPOINT /bin/app\nCMD python -m app\n', { dockerignore: '' });
    expect(rules(f)).toEqual(['shell-form-cmd@3', 'shell-form-cmd@4']);
    expect(f[1]?.fix).toBe('use the exec form: CMD ["python","-m","app"]');
  });

  it('root-user: no USER, or USER root, in the final stage (following stage bases)', async () => {
    expect(rules(await lint('FROM busybox:1.36\nCMD ["x"]\n', { dockerignore: '' }))).toEqual(['root-user@1']);
    expect(rules(await lint('FROM busybox:1.36\nUSER app\nUSER 0:0\n', { dockerignore: '' }))).toEqual(['root-user@3']);
    expect(rules(await lint('FROM busybox:1.36 AS a\nUSER app\nFROM busybox:1.36 AS other\nFROM a\n', { dockerignore: '' }))).toEqual([]);
  });

  it('apt-update-alone: update without install in the same RUN', async () => {
    const f = await lint('FROM debian:bookworm-slim\nRUN apt-get update\nRUN apt-get install -y curl\nUSER app\n', { dockerignore: '' });
    expect(rules(f)).toEqual(['apt-update-alone@2']);
  });

  it('add-local-files: ADD of plain files, not archives or URLs', async () => {
    const f = await lint('FROM busybox:1.36\nADD app /app\nADD x.tgz /\nADD https://example.com/a /a\nUSER app\n', { dockerignore: '' });
    expect(rules(f)).toEqual(['add-local-files@2']);
    expect(f[0]?.fix).toBe('use COPY: COPY app /app');
  });

  it('missing-dockerignore', async () => {
    const f = await lint('FROM busybox:1.36\nUSER app\n');
    expect(rules(f)).toEqual(['missing-dockerignore@-']);
  });

  it('secrets-in-context: .env, private keys and .git that are not ignored', async () => {
    const f = await lint('FROM busybox:1.36\nUSER app\n', {
      dockerignore: 'certs/ignored.pem\n',
      files: {
        '.env': 'X=1',
        'certs/server.key': 'k',
        'certs/ignored.pem': 'k',
        '.git/HEAD': 'ref',
        'deploy/id_rsa': 'k',
        '.env.example': '',
      },
    });
    expect(f.map((x) => `${x.rule}:${x.file}`)).toEqual([
      'secrets-in-context:/p/.env',
      'secrets-in-context:/p/.git/',
      'secrets-in-context:/p/certs/server.key',
      'secrets-in-context:/p/deploy/id_rsa',
    ]);
  });

  it('follow the Dockerfile-specific ignore file: it replaces .dockerignore, and the advice names it', async () => {
    const ignoredThere = await lint(good, { files: { '.env': 'SECRET=1', 'Dockerfile.dockerignore': '.env\n' } });
    expect(ignoredThere).toEqual([]);
    const shadowed = await lint(good, {
      dockerignore: '.env\n',
      files: { '.env': 'SECRET=1', 'Dockerfile.dockerignore': 'node_modules\n' },
    });
    expect(rules(shadowed)).toEqual(['secrets-in-context@-']);
    expect(shadowed[0]?.fix).toBe('add .env to /p/Dockerfile.dockerignore');
  });
});
