import { describe, expect, it } from 'vitest';
import type { FileChange } from '../core/file-change.ts';
import { createBuildContext } from './build-context.ts';
import { parseDockerfile } from './dockerfile-model.ts';
import { inferSyncRules, matchesGlob, type SyncRule, syncCoverage } from './sync-coverage.ts';

const dir = '/p/app';
const hello = `FROM busybox:1.36
WORKDIR /srv
COPY httpd.conf /etc/httpd.conf
COPY site/ /srv/
USER 10001:10001
CMD ["httpd", "-f", "-h", "/srv"]
`;
const python = `FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY ./app ./app
CMD ["python", "-m", "app"]
`;
const builder = `FROM node:22 AS build
WORKDIR /src
COPY . .
RUN npm ci && npm run build
FROM nginx:1.27
COPY --from=build /src/dist /usr/share/nginx/html
COPY static/ /usr/share/nginx/html/static/
`;

const change = (path: string, kind: FileChange['kind'] = 'change'): FileChange => ({ path, kind });

function coverage(text: string, rules: SyncRule[], changes: FileChange[], dockerignore?: string) {
  const model = parseDockerfile({ text, file: 'Dockerfile' });
  const context = createBuildContext({ dir, dockerfile: `${dir}/Dockerfile`, dockerignore });
  return syncCoverage({ model, target: undefined, context, rules, changes });
}

describe('which batch may sync', () => {
  const site = [{ from: 'site', to: '/srv' }];

  it('syncs a covered file to its place in the container, and deletes a removed one', () => {
    expect(coverage(hello, site, [change(`${dir}/site/index.html`), change('site/old/page.html', 'unlink')])).toEqual({
      kind: 'sync',
      files: [
        { path: 'site/index.html', containerPath: '/srv/index.html', kind: 'write' },
        { path: 'site/old/page.html', containerPath: '/srv/old/page.html', kind: 'delete' },
      ],
    });
  });

  it('rebuilds when a rule’s whole source is deleted', () => {
    expect(coverage(hello, site, [change('site', 'unlink')])).toEqual({ kind: 'rebuild', why: 'site was deleted' });
  });

  it('keeps only the last change of a path (added then deleted is a delete)', () => {
    const r = coverage(hello, site, [change('site/a.html', 'add'), change('site/a.html', 'unlink')]);
    expect(r).toEqual({ kind: 'sync', files: [{ path: 'site/a.html', containerPath: '/srv/a.html', kind: 'delete' }] });
  });

  it('rebuilds for a file the image holds that no rule covers', () => {
    expect(coverage(hello, site, [change('site/index.html'), change('httpd.conf')])).toEqual({
      kind: 'rebuild',
      why: 'httpd.conf is not synced',
    });
  });

  it('rebuilds when the Dockerfile or the ignore file changes', () => {
    expect(coverage(hello, site, [change('Dockerfile')])).toEqual({ kind: 'rebuild', why: 'Dockerfile changed' });
    expect(coverage(hello, site, [change('.dockerignore')])).toEqual({ kind: 'rebuild', why: '.dockerignore changed' });
  });

  it('needs nothing for files the image does not hold', () => {
    expect(coverage(hello, site, [change('README.md'), change('/elsewhere/x'), change('site/x.swp')], '*.swp\nsite/*.swp')).toEqual({
      kind: 'sync',
      files: [],
    });
  });

  it('rebuilds a dependency manifest copied before the RUN that installs from it, even under a rule', () => {
    const all = [{ from: '', to: '/srv' }];
    expect(coverage(python, all, [change('requirements.txt')])).toEqual({
      kind: 'rebuild',
      why: 'requirements.txt is copied before a RUN step that may read it (Dockerfile:4 RUN pip install -r requirements.txt)',
    });
    expect(coverage(python, all, [change('app/main.py')])).toEqual({
      kind: 'sync',
      files: [{ path: 'app/main.py', containerPath: '/srv/app/main.py', kind: 'write' }],
    });
  });

  it('rebuilds a file a builder stage reads, syncs one only the final stage copies', () => {
    const rules = [{ from: '', to: '/usr/share/nginx/html' }];
    const r = coverage(builder, rules, [change('src/main.ts')]);
    expect(r.kind).toBe('rebuild');
    expect(r.kind === 'rebuild' && r.why).toContain('src/main.ts is read by stage build (Dockerfile:3 COPY . .)');
    // static/ is also under `COPY . .` of the build stage, so it rebuilds as well.
    expect(coverage(builder, rules, [change('static/logo.svg')]).kind).toBe('rebuild');
    expect(coverage(builder, rules, [change('static/logo.svg')], 'static').kind).toBe('sync');
  });

  it('rebuilds a file a RUN bind-mounts, and an archive ADD unpacks', () => {
    const mount = 'FROM alpine\nRUN --mount=type=bind,source=scripts,target=/s sh /s/setup.sh\nCOPY scripts /opt/scripts\n';
    expect(coverage(mount, [{ from: 'scripts', to: '/opt/scripts' }], [change('scripts/setup.sh')]).kind).toBe('rebuild');
    const add = 'FROM alpine\nADD vendor.tar.gz /opt/\n';
    expect(coverage(add, [{ from: '', to: '/opt' }], [change('vendor.tar.gz')])).toMatchObject({
      kind: 'rebuild',
      why: expect.stringContaining('archive'),
    });
  });

  it('rebuilds when a rule puts a file elsewhere than the Dockerfile copies it, or misses a place', () => {
    expect(coverage(hello, [{ from: 'site', to: '/var/www' }], [change('site/index.html')])).toEqual({
      kind: 'rebuild',
      why: 'site/index.html is copied to /srv/index.html by the Dockerfile, but the sync rule puts it at /var/www/index.html',
    });
    const twice = 'FROM alpine\nCOPY site /srv\nCOPY site/index.html /backup/\n';
    expect(coverage(twice, [{ from: 'site', to: '/srv' }], [change('site/index.html')])).toEqual({
      kind: 'rebuild',
      why: 'site/index.html is also copied to /backup/index.html, which no sync rule covers',
    });
  });

  it('copies a file every covering rule places', () => {
    const r = coverage(
      'FROM alpine\nCOPY . /app\nCOPY site /srv\n',
      [
        { from: '', to: '/app' },
        { from: 'site', to: '/srv' },
      ],
      [change('site/a.css')],
    );
    expect(r).toEqual({
      kind: 'sync',
      files: [
        { path: 'site/a.css', containerPath: '/app/site/a.css', kind: 'write' },
        { path: 'site/a.css', containerPath: '/srv/a.css', kind: 'write' },
      ],
    });
  });
});

describe("sync: 'infer'", () => {
  const isDirectory = (p: string) => ['site', 'app', 'static'].includes(p);
  const infer = (text: string) => inferSyncRules(parseDockerfile({ text, file: 'Dockerfile' }), undefined, isDirectory);

  it('derives rules from the target stage COPY instructions, against WORKDIR', () => {
    expect(infer(hello)).toEqual([
      { from: 'httpd.conf', to: '/etc/httpd.conf' },
      { from: 'site', to: '/srv' },
    ]);
    expect(infer(python)).toEqual([
      { from: 'requirements.txt', to: '/srv/requirements.txt' },
      { from: 'app', to: '/srv/app' },
    ]);
  });

  it('leaves out builder stages, COPY --from, wildcards and URLs', () => {
    expect(infer(builder)).toEqual([{ from: 'static', to: '/usr/share/nginx/html/static' }]);
    expect(infer('FROM alpine\nWORKDIR app\nCOPY *.toml a.txt ./\nADD https://x.example/f /f\n')).toEqual([
      { from: 'a.txt', to: '/app/a.txt' },
    ]);
  });

  it('inferred rules still rebuild what a RUN reads', () => {
    const model = parseDockerfile({ text: python, file: 'Dockerfile' });
    const context = createBuildContext({ dir, dockerfile: `${dir}/Dockerfile`, dockerignore: undefined });
    const rules = inferSyncRules(model, undefined, isDirectory);
    expect(syncCoverage({ model, target: undefined, context, rules, changes: [change('requirements.txt')] }).kind).toBe('rebuild');
    expect(syncCoverage({ model, target: undefined, context, rules, changes: [change('app/x.py')] }).kind).toBe('sync');
  });
});

describe('run step globs', () => {
  it('matches ** across directories and * within one', () => {
    expect(matchesGlob('site/**/*.conf', 'site/a.conf')).toBe(true);
    expect(matchesGlob('site/**/*.conf', 'site/x/y/a.conf')).toBe(true);
    expect(matchesGlob('site/*.conf', 'site/x/a.conf')).toBe(false);
    expect(matchesGlob('site', 'site/index.html')).toBe(true);
    expect(matchesGlob('*.py', 'main.pyc')).toBe(false);
  });
});
