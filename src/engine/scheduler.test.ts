import { describe, expect, it } from 'vitest';
import type { LoopLocal, LoopResource } from './loop-model.ts';
import { chooseResources, type IterationWork, nextSteps, type Progress, type StepKey, type StepStatus } from './scheduler.ts';
import { type EngineState, initialState, type ResourceState } from './state.ts';

const resource = (name: string, images: string[], dependsOn: string[] = []): LoopResource => ({
  name,
  images,
  dependsOn,
  trigger: 'auto',
});

const work = (over: Partial<IterationWork> = {}): IterationWork => ({
  resources: [resource('db', ['db']), resource('api', ['api'], ['db'])],
  syncs: new Set(),
  imageDependencies: { db: [], api: ['base'], base: [] },
  rebuilds: new Set(['db', 'api', 'base']),
  buildConcurrency: 2,
  ...over,
});

const progress = (entries: Record<string, StepStatus>): Progress => new Map(Object.entries(entries) as [StepKey, StepStatus][]);

const never = () => false;

describe('nextSteps', () => {
  it('deploys a resource allowed to while its push is announced, and not the others', () => {
    const w = work({ resources: [resource('db', ['db']), resource('web', ['web'])], deployWhilePushing: new Set(['db']) });
    const announced = progress({ 'build:db': 'done', 'build:web': 'done', 'deliver:db': 'announced', 'deliver:web': 'announced' });
    const s = nextSteps(w, announced, never);
    expect(s.start).toEqual([{ kind: 'deploy', resource: 'db' }]);
    expect(Object.fromEntries(s.waiting)).toEqual({ web: { kind: 'images', images: ['web'] } });
    expect(s.settled).toBe(false);
  });

  it('starts the builds without pending dependencies, within the build slots', () => {
    const s = nextSteps(work(), progress({}), never);
    expect(s.start).toEqual([
      { kind: 'build', image: 'base' },
      { kind: 'build', image: 'db' },
    ]);
    expect(Object.fromEntries(s.waiting)).toEqual({ db: { kind: 'images', images: ['db'] }, api: { kind: 'images', images: ['api'] } });
    expect(s.settled).toBe(false);
  });

  it('delivers what a resource runs (not its base image), and passes an image that does not rebuild on without a slot', () => {
    const w = work({
      rebuilds: new Set(['db', 'base', 'other']),
      buildConcurrency: 1,
      imageDependencies: { db: [], api: ['base'], base: [], other: [] },
    });
    const withOther = { ...w, resources: [...w.resources, resource('other', ['other'])] };
    const s = nextSteps(withOther, progress({ 'build:db': 'done', 'build:base': 'done' }), never);
    expect(s.start).toEqual([
      { kind: 'build', image: 'api' },
      { kind: 'build', image: 'other' },
      { kind: 'deliver', image: 'db' },
    ]);
    const busy = nextSteps(withOther, progress({ 'build:db': 'done', 'build:base': 'done', 'build:other': 'running' }), never);
    expect(busy.start).toEqual([
      { kind: 'build', image: 'api' },
      { kind: 'deliver', image: 'db' },
    ]);
  });

  it('deploys a resource once its images are delivered and its dependency is ready', () => {
    const delivered = {
      'build:db': 'done',
      'build:base': 'done',
      'build:api': 'done',
      'deliver:db': 'done',
      'deliver:api': 'done',
    } as const;
    const first = nextSteps(work(), progress({ ...delivered }), never);
    expect(first.start).toEqual([{ kind: 'deploy', resource: 'db' }]);
    expect(first.waiting.get('api')).toEqual({ kind: 'resource', on: 'db' });
    const second = nextSteps(work(), progress({ ...delivered, 'deploy:db': 'done' }), never);
    expect(second.start).toEqual([{ kind: 'deploy', resource: 'api' }]);
  });

  it('ends a dependent whose dependency failed, and one whose image failed, with the reason', () => {
    const s = nextSteps(
      work(),
      progress({ 'build:db': 'done', 'deliver:db': 'done', 'deploy:db': 'failed', 'build:base': 'done', 'build:api': 'failed' }),
      never,
    );
    expect(Object.fromEntries(s.ended)).toEqual({ api: { kind: 'image-failed', image: 'api' } });
    const t = nextSteps(
      work(),
      progress({
        'build:db': 'done',
        'deliver:db': 'done',
        'deploy:db': 'failed',
        'build:base': 'done',
        'build:api': 'done',
        'deliver:api': 'done',
      }),
      never,
    );
    expect(Object.fromEntries(t.ended)).toEqual({ api: { kind: 'dependency-not-ready', on: 'db' } });
    expect(t.skip).toEqual(['deploy:api']);
    expect(t.settled).toBe(true);
  });

  it('skips the builds below a failed base image, and ends the resources needing them', () => {
    const s = nextSteps(work(), progress({ 'build:base': 'failed', 'build:db': 'running' }), never);
    expect(s.skip).toContain('build:api');
    expect(s.ended.get('api')).toEqual({ kind: 'image-failed', image: 'api' });
  });

  it('a dependency outside the iteration counts when it is ready already, and ends the dependent when not', () => {
    const only = work({ resources: [resource('api', ['api'], ['db'])] });
    const delivered = progress({ 'build:base': 'done', 'build:api': 'done', 'deliver:api': 'done' });
    expect(nextSteps(only, delivered, (name) => name === 'db').start).toEqual([{ kind: 'deploy', resource: 'api' }]);
    expect(nextSteps(only, delivered, never).ended.get('api')).toEqual({ kind: 'dependency-not-ready', on: 'db' });
  });

  it('a live update syncs first and needs no image; a failed sync takes the build path', () => {
    const w = work({ resources: [resource('web', ['web'])], syncs: new Set(['web']), imageDependencies: { web: [] } });
    expect(nextSteps(w, progress({}), never).start).toEqual([{ kind: 'sync', resource: 'web' }]);
    expect(nextSteps(w, progress({ 'sync:web': 'running' }), never).settled).toBe(false);
    expect(nextSteps(w, progress({ 'sync:web': 'done' }), never).settled).toBe(true);
    expect(nextSteps(w, progress({ 'sync:web': 'failed' }), never).start).toEqual([{ kind: 'build', image: 'web' }]);
  });

  it('a dependent of a syncing resource waits for the sync', () => {
    const w = work({
      resources: [resource('web', ['web']), resource('worker', ['worker'], ['web'])],
      syncs: new Set(['web']),
      imageDependencies: { web: [], worker: [] },
    });
    const s = nextSteps(w, progress({ 'sync:web': 'running', 'build:worker': 'done', 'deliver:worker': 'done' }), never);
    expect(s.waiting.get('worker')).toEqual({ kind: 'resource', on: 'web' });
    const t = nextSteps(w, progress({ 'sync:web': 'done', 'build:worker': 'done', 'deliver:worker': 'done' }), never);
    expect(t.start).toEqual([{ kind: 'deploy', resource: 'worker' }]);
  });
});

describe('chooseResources', () => {
  const resources = [resource('db', ['db']), { ...resource('tool', ['tool']), trigger: 'manual' as const }];
  const plans = new Map([
    ['db', { image: 'db', tag: 'd2' }],
    ['tool', { image: 'tool', tag: 't2' }],
  ]) as unknown as Parameters<typeof chooseResources>[2];
  const state = (over: Record<string, Partial<ResourceState>>): EngineState => {
    const base = initialState(0);
    const make = (name: string, images: string[]): ResourceState => ({
      name,
      phase: 'ready',
      trigger: 'auto',
      images,
      dependsOn: [],
      waiting: undefined,
      problem: undefined,
      rollout: undefined,
      deployedTags: Object.fromEntries(images.map((i) => [i, i === 'db' ? 'd2' : 't2'])),
      pendingManual: false,
      applied: true,
      rerun: undefined,
      timeline: undefined,
      lastEditToReadyMs: undefined,
      ...over[name],
    });
    return { ...base, resources: { db: make('db', ['db']), tool: make('tool', ['tool']) } };
  };
  const choose = (s: EngineState, firstPass = false) => chooseResources(s, resources, plans, { firstPass, wantsResync: () => false });

  it('leaves up-to-date resources alone', () => {
    expect(choose(state({}))).toMatchObject({ affected: [], unchanged: ['db', 'tool'], awaitingTrigger: [] });
  });

  it('takes every resource on the first pass, forced onto the build path', () => {
    const c = choose(state({}), true);
    expect(c.affected.map((r) => r.name)).toEqual(['db', 'tool']);
    expect([...c.forced]).toEqual(['db', 'tool']);
  });

  it('takes a resource whose tag moved, never applied, or failed; a manual one waits for its trigger', () => {
    expect(choose(state({ db: { deployedTags: { db: 'd1' } } })).affected.map((r) => r.name)).toEqual(['db']);
    expect(choose(state({ db: { applied: false } })).affected.map((r) => r.name)).toEqual(['db']);
    expect(choose(state({ db: { phase: 'failed' } })).affected.map((r) => r.name)).toEqual(['db']);
    // a rollout that a superseded iteration left half-way
    expect(choose(state({ db: { phase: 'rolling-out' } })).affected.map((r) => r.name)).toEqual(['db']);
    expect(choose(state({ tool: { deployedTags: { tool: 't1' } } })).awaitingTrigger).toEqual(['tool']);
  });

  it('a synced tag counts as running; a rerun asked for is forced even when nothing changed', () => {
    expect(choose(state({ db: { deployedTags: { db: 'd1' }, syncedTags: { db: 'd2' } } })).unchanged).toContain('db');
    const c = choose(state({ tool: { rerun: 'trigger' } }));
    expect(c.affected.map((r) => r.name)).toEqual(['tool']);
    expect([...c.forced]).toEqual(['tool']);
  });
});

describe('nextSteps with local commands', () => {
  const local = (name: string, dependsOn: string[] = []): LoopLocal => ({
    name,
    command: [name],
    dependsOn,
    trigger: 'auto',
    serve: false,
    watches: never,
  });
  const delivered = { 'build:db': 'done', 'build:base': 'done', 'build:api': 'done', 'deliver:db': 'done', 'deliver:api': 'done' } as const;

  it('runs a command at once, and a resource that depends on it waits until it succeeded', () => {
    const w = work({ locals: [local('gen')], resources: [resource('api', ['api'], ['gen'])] });
    const first = nextSteps(w, progress({}), never);
    expect(first.start).toContainEqual({ kind: 'local', local: 'gen' });
    const running = nextSteps(w, progress({ ...delivered, 'local:gen': 'running' }), never);
    expect(running.waiting.get('api')).toEqual({ kind: 'resource', on: 'gen' });
    expect(running.start).toEqual([]);
    expect(nextSteps(w, progress({ ...delivered, 'local:gen': 'done' }), never).start).toEqual([{ kind: 'deploy', resource: 'api' }]);
  });

  it('a failed command ends what depends on it, resources and commands, and skips their steps', () => {
    const w = work({ locals: [local('gen'), local('fmt', ['gen'])], resources: [resource('api', ['api'], ['fmt'])] });
    const s = nextSteps(w, progress({ ...delivered, 'local:gen': 'failed' }), never);
    expect(Object.fromEntries(s.ended)).toEqual({
      fmt: { kind: 'dependency-not-ready', on: 'gen' },
      api: { kind: 'dependency-not-ready', on: 'fmt' },
    });
    expect(s.skip).toEqual(['local:fmt', 'deploy:api']);
    expect(s.settled).toBe(true);
  });

  it('a command that depends on a resource runs once it is ready, and ends when it fails', () => {
    const w = work({ locals: [local('loaddata', ['db'])] });
    expect(nextSteps(w, progress(delivered), never).waiting.get('loaddata')).toEqual({ kind: 'resource', on: 'db' });
    const ready = nextSteps(w, progress({ ...delivered, 'deploy:db': 'done' }), never);
    expect(ready.start).toEqual([
      { kind: 'local', local: 'loaddata' },
      { kind: 'deploy', resource: 'api' },
    ]);
    const failed = nextSteps(w, progress({ ...delivered, 'deploy:db': 'failed' }), never);
    expect(failed.ended.get('loaddata')).toEqual({ kind: 'dependency-not-ready', on: 'db' });
  });
});
