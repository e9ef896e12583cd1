import { describe, expect, it } from 'vitest';
import { FakeLocalRunner } from '../local/fake-local-runner.ts';
import { rig } from './dev-loop-rig.test-support.ts';
import { beforePlan } from './local-commands.ts';
import type { LoopLocal, LoopResource } from './loop-model.ts';

const api: LoopResource = { name: 'api', images: ['api'], dependsOn: ['gen'], trigger: 'auto' };
const db: LoopResource = { name: 'db', images: ['db'], dependsOn: [], trigger: 'auto' };

function local(name: string, over: Partial<LoopLocal> = {}): LoopLocal {
  return {
    name,
    command: ['npm', 'run', name],
    dependsOn: [],
    trigger: 'auto',
    serve: false,
    watches: (path) => path.startsWith(`/p/${name}/`),
    ...over,
  };
}

function setup(locals: LoopLocal[], resources: LoopResource[] = [api]) {
  const runner = new FakeLocalRunner();
  const r = rig({
    resources,
    tags: Object.fromEntries(resources.flatMap((x) => x.images.map((i) => [i, `${i}1`]))),
    locals,
    localRunner: runner,
  });
  const status = (name: string) => r.store.getState().locals[name]?.status;
  return Object.assign(r, { runner, status });
}

describe('local commands in the loop', () => {
  it('run before the first plan, which then looks at every file, and a resource that depends on one deploys after it', async () => {
    const r = setup([local('gen')]);
    r.runner.output.gen = ['generating api client', 'wrote 3 files'];
    await r.loop.start();
    expect(r.runner.started).toEqual(['gen']);
    expect(r.actions.indexOf('local-completed')).toBeLessThan(r.actions.indexOf('plan-completed'));
    expect(r.rescans).toBe(1);
    expect(r.status('gen')).toBe('succeeded');
    expect(r.store.getState().locals.gen?.run).toEqual({ startedAt: 1000, endedAt: 1000, exitCode: 0 });
    expect(r.deployed.map((d) => d.resource)).toEqual(['api']);
    expect(r.logs.tail({ resource: 'gen', limit: 10 }).map((l) => l.text)).toEqual(['generating api client', 'wrote 3 files']);
  });

  it('run again when their deps change, but not for other files nor for what their last run wrote itself', async () => {
    const r = setup([local('gen')]);
    await r.loop.start();
    await r.loop.changes(r.change('/p/app/main.ts'));
    expect(r.runner.started).toEqual(['gen']);
    // The run (at 1000) wrote this file: its inode changed during the run.
    r.runner.changes.set('/p/gen/client.ts', 1000);
    await r.loop.changes(r.change('/p/gen/client.ts'));
    expect(r.runner.started).toEqual(['gen']);
    r.clock.advance(500);
    r.runner.changes.set('/p/gen/schema.yaml', 1500);
    await r.loop.changes(r.change('/p/gen/schema.yaml'));
    expect(r.runner.started).toEqual(['gen', 'gen']);
    expect(r.rescans).toBe(2);
  });

  it('a failure keeps its exit code and last lines, holds what depends on it, and fails the iteration', async () => {
    const r = setup([local('gen')]);
    r.runner.exitCodes.gen = 3;
    r.runner.output.gen = ['reading schema', 'error: unknown type Foo'];
    await r.loop.start();
    const gen = r.store.getState().locals.gen;
    expect(gen?.status).toBe('failed');
    expect(gen?.run?.exitCode).toBe(3);
    expect(gen?.problem).toMatchObject({
      stage: 'local',
      reason: 'local-command-failed',
      message: 'npm run gen exited with code 3',
      details: ['reading schema', 'error: unknown type Foo'],
    });
    expect(r.deployed).toEqual([]);
    expect(r.store.getState().resources.api?.waiting).toEqual({ kind: 'dependency-not-ready', on: 'gen' });
    // Fixed and saved: it runs, and the resource it held deploys.
    r.runner.exitCodes.gen = 0;
    r.clock.advance(100);
    r.runner.changes.set('/p/gen/schema.yaml', 1100);
    await r.loop.changes(r.change('/p/gen/schema.yaml'));
    expect(r.status('gen')).toBe('succeeded');
    expect(r.deployed.map((d) => d.resource)).toEqual(['api']);
  });

  it('a program that does not exist is a failure that says so', async () => {
    const r = setup([local('gen')]);
    r.runner.missing.add('gen');
    await r.loop.start();
    expect(r.store.getState().locals.gen?.problem).toMatchObject({ reason: 'local-command-not-found', message: 'npm was not found' });
  });

  it('a manual one waits for its trigger after the first run; the trigger runs any of them again', async () => {
    const r = setup([local('gen', { trigger: 'manual' })]);
    await r.loop.start();
    r.clock.advance(100);
    r.runner.changes.set('/p/gen/schema.yaml', 1100);
    await r.loop.changes(r.change('/p/gen/schema.yaml'));
    expect(r.runner.started).toEqual(['gen']);
    expect(r.store.getState().locals.gen).toMatchObject({ pendingManual: true, waiting: { kind: 'trigger' } });
    await r.loop.trigger('gen');
    expect(r.runner.started).toEqual(['gen', 'gen']);
    expect(r.store.getState().locals.gen).toMatchObject({ status: 'succeeded', pendingManual: false, rerun: undefined });
  });

  it('one that depends on a resource runs once the resource is ready, among the deploys', async () => {
    const r = setup([local('loaddata', { dependsOn: ['db'] })], [db]);
    await r.loop.start();
    expect(r.actions.indexOf('local-started')).toBeGreaterThan(r.actions.indexOf('resource-ready'));
    expect(r.status('loaddata')).toBe('succeeded');
    expect(r.rescans).toBe(0);
  });

  it('a serve command keeps running, is restarted when its deps change, and its exit is a failure with its last lines', async () => {
    const r = setup([local('web', { serve: true })], []);
    r.runner.held.add('web');
    r.runner.output.web = ['listening on :5173'];
    await r.loop.start();
    expect(r.status('web')).toBe('serving');
    expect(r.runner.isRunning('web')).toBe(true);
    // It only started: nothing it wrote is waiting to be planned.
    expect(r.rescans).toBe(0);
    r.clock.advance(100);
    await r.loop.changes(r.change('/p/web/vite.config.ts'));
    expect(r.runner.started).toEqual(['web', 'web']);
    expect(r.status('web')).toBe('serving');
    r.runner.finish('web', 1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(r.store.getState().locals.web?.problem).toMatchObject({
      reason: 'local-command-exited',
      message: 'npm run web exited with code 1 while devloop runs',
      details: ['listening on :5173'],
    });
    expect(r.status('web')).toBe('failed');
  });

  it('stopping kills a running command and every serve command', async () => {
    const r = setup([local('gen'), local('web', { serve: true })], []);
    r.runner.held.add('web');
    await r.loop.start();
    expect(r.runner.isRunning('web')).toBe(true);
    r.runner.held.add('gen');
    void r.loop.trigger('gen');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(r.runner.isRunning('gen')).toBe(true);
    await r.loop.stop();
    expect(r.runner.isRunning('gen')).toBe(false);
    expect(r.runner.isRunning('web')).toBe(false);
    expect(r.status('gen')).toBe('pending');
  });
});

describe('beforePlan', () => {
  it('runs first the commands that wait only for commands, the others among the deploys', () => {
    const gen = local('gen');
    const fmt = local('fmt', { dependsOn: ['gen'] });
    const loaddata = local('loaddata', { dependsOn: ['db'] });
    const report = local('report', { dependsOn: ['loaddata'] });
    const all = [gen, fmt, loaddata, report];
    const split = beforePlan(all, all);
    expect(split.before.map((l) => l.name)).toEqual(['gen', 'fmt']);
    expect(split.after.map((l) => l.name)).toEqual(['loaddata', 'report']);
  });
});
