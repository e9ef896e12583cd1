import { describe, expect, it } from 'vitest';
import type { FileChange } from '../core/file-change.ts';
import { createBuildContext } from './build-context.ts';
import { parseDockerfile } from './dockerfile-model.ts';
import { computeInvalidation, repositoryOf } from './invalidation.ts';

const dir = '/p/api';
const python = `FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY ./app ./app
COPY *.toml ./
CMD ["python", "-m", "app"]
`;

function plan(
  text: string,
  changes: FileChange[],
  extra: { dockerignore?: string; target?: string; buildArgs?: Record<string, string> } = {},
) {
  const model = parseDockerfile({ text, file: 'Dockerfile', buildArgs: extra.buildArgs ?? {} });
  const context = createBuildContext({ dir, dockerfile: `${dir}/Dockerfile`, dockerignore: extra.dockerignore });
  return computeInvalidation({ model, target: extra.target, context, changes });
}

const modified = (path: string): FileChange => ({ path, kind: 'change' });

describe('computeInvalidation', () => {
  it('breaks at the COPY that selects a changed file, naming it', () => {
    const r = plan(python, [modified('app/main.py')]);
    expect(r.rebuild).toBe(true);
    expect(r.firstInvalidated).toEqual({ index: 5, line: 5, instruction: 'COPY', text: 'COPY ./app ./app' });
    expect(r.totalSteps).toBe(7);
    expect(r.changedInputs).toEqual(['app/main.py']);
  });

  it('takes the earliest break and accepts absolute paths', () => {
    const r = plan(python, [modified('app/main.py'), modified(`${dir}/requirements.txt`)]);
    expect(r.firstInvalidated?.index).toBe(3);
    expect(r.changedInputs).toEqual(['app/main.py', 'requirements.txt']);
  });

  it('sees new and deleted files matched by wildcards', () => {
    expect(plan(python, [{ path: 'extra.toml', kind: 'add' }]).firstInvalidated?.index).toBe(6);
    expect(plan(python, [{ path: 'pyproject.toml', kind: 'unlink' }]).firstInvalidated?.index).toBe(6);
    expect(plan(python, [{ path: 'app', kind: 'unlink' }]).firstInvalidated?.index).toBe(5);
  });

  it('does not rebuild for files no COPY selects, ignored files, or paths outside the context', () => {
    expect(plan(python, [modified('README.md')]).rebuild).toBe(false);
    expect(plan(python, [modified('app/x.pyc')], { dockerignore: '**/*.pyc' }).rebuild).toBe(false);
    expect(plan(python, [modified('/elsewhere/app/main.py')]).rebuild).toBe(false);
  });

  it('honours .dockerignore exceptions', () => {
    const ignoreAll = 'app/*\n!app/main.py\n';
    expect(plan(python, [modified('app/other.py')], { dockerignore: ignoreAll }).rebuild).toBe(false);
    expect(plan(python, [modified('app/main.py')], { dockerignore: ignoreAll }).firstInvalidated?.index).toBe(5);
  });

  it('counts the Dockerfile as a context file for COPY . .', () => {
    const text = 'FROM busybox\nCOPY . /src\nRUN true\n';
    const r = plan(text, [modified('Dockerfile')]);
    expect(r.firstInvalidated?.index).toBe(1);
    const model = parseDockerfile({ text, file: 'Dockerfile' });
    const context = createBuildContext({ dir, dockerfile: `${dir}/Dockerfile`, dockerignore: undefined });
    const known = computeInvalidation({ model, target: undefined, context, changes: [modified('Dockerfile')], previousModel: model });
    expect(known.firstInvalidated?.index).toBe(2);
    const ignored = createBuildContext({ dir, dockerfile: `${dir}/Dockerfile`, dockerignore: 'Dockerfile\n' });
    expect(
      computeInvalidation({ model, target: undefined, context: ignored, changes: [modified('Dockerfile')], previousModel: model }).rebuild,
    ).toBe(false);
  });

  it('breaks a Dockerfile change at the first changed instruction when the old text is known', () => {
    const previousModel = parseDockerfile({ text: python, file: 'Dockerfile' });
    const model = parseDockerfile({ text: python.replace('COPY *.toml ./', '# comment\nCOPY *.toml /etc/'), file: 'Dockerfile' });
    const context = createBuildContext({ dir, dockerfile: `${dir}/Dockerfile`, dockerignore: 'Dockerfile' });
    const r = computeInvalidation({ model, target: undefined, context, changes: [modified('Dockerfile')], previousModel });
    expect(r.firstInvalidated).toMatchObject({ index: 6, line: 7 });
    expect(r.changedInputs).toEqual(['Dockerfile']);
  });

  const multi = `ARG SRC=src
FROM busybox:1.36 AS deps
COPY deps.txt /deps/
FROM busybox:1.36 AS build
ARG SRC
COPY \${SRC} /build/
RUN cat /build/* > /out
FROM busybox:1.36 AS docs
COPY docs /docs
FROM deps AS final
COPY --from=build /out /app/out
COPY config.json /app/
`;

  it('propagates breaks through COPY --from and FROM stage; ignores stages the target does not need', () => {
    expect(plan(multi, [modified('src/a.c')]).firstInvalidated?.index).toBe(6);
    const r = plan(multi, [modified('deps.txt')]);
    expect(r.firstInvalidated?.index).toBe(3);
    expect(r.causes.map((c) => [c.kind, c.step.index])).toEqual([
      ['file', 3],
      ['stage', 10],
    ]);
    expect(plan(multi, [modified('docs/index.md')]).rebuild).toBe(false);
    expect(plan(multi, [modified('docs/index.md')], { target: 'docs' }).firstInvalidated?.index).toBe(9);
    expect(plan(multi, [modified('config.json')], { target: 'build' }).rebuild).toBe(false);
  });

  it('expands ARGs with build args in sources', () => {
    expect(plan(multi, [modified('other/a.c')]).rebuild).toBe(false);
    expect(plan(multi, [modified('other/a.c')], { buildArgs: { SRC: 'other' } }).firstInvalidated?.index).toBe(6);
  });

  it('breaks at FROM when a devloop base image is rebuilt', () => {
    const model = parseDockerfile({ text: 'FROM base\nRUN true\nCOPY --from=tools:dev /bin/x /x\n', file: 'Dockerfile' });
    const context = createBuildContext({ dir, dockerfile: `${dir}/Dockerfile`, dockerignore: undefined });
    const r = computeInvalidation({ model, target: undefined, context, changes: [], rebuiltImages: new Set(['base']) });
    expect(r.firstInvalidated?.index).toBe(1);
    const t = computeInvalidation({ model, target: undefined, context, changes: [], rebuiltImages: new Set(['tools']) });
    expect(t.firstInvalidated?.index).toBe(3);
  });

  it('counts a .dockerignore change as the files it adds or removes', () => {
    const model = parseDockerfile({ text: python, file: 'Dockerfile' });
    const before = createBuildContext({ dir, dockerfile: `${dir}/Dockerfile`, dockerignore: 'app/secret.py\n.dockerignore\n' });
    const after = createBuildContext({ dir, dockerfile: `${dir}/Dockerfile`, dockerignore: '.dockerignore\n' });
    const files = ['app/main.py', 'app/secret.py', 'requirements.txt', 'README.md'];
    const r = computeInvalidation({
      model,
      target: undefined,
      context: after,
      changes: [modified('.dockerignore')],
      previousContext: { context: before, files },
    });
    expect(r.firstInvalidated?.index).toBe(5);
    expect(r.changedInputs).toEqual(['app/secret.py']);
    const noEffect = createBuildContext({
      dir,
      dockerfile: `${dir}/Dockerfile`,
      dockerignore: 'app/secret.py\n.dockerignore\nREADME.md\n',
    });
    expect(
      computeInvalidation({
        model,
        target: undefined,
        context: noEffect,
        changes: [modified('.dockerignore')],
        previousContext: { context: before, files },
      }).rebuild,
    ).toBe(false);
    const unknown = computeInvalidation({ model, target: undefined, context: after, changes: [modified('.dockerignore')] });
    expect(unknown.firstInvalidated?.index).toBe(3);
  });

  it('reads repositories from references', () => {
    expect(repositoryOf('localhost:5000/app:1@sha256:abc')).toBe('localhost:5000/app');
    expect(repositoryOf('localhost:5000/app')).toBe('localhost:5000/app');
  });
});
