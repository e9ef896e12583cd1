import { describe, expect, it } from 'vitest';
import { buildPlan as plan } from './build-plan.test-support.ts';
import { describeLiveUpdate, describePlan, liveUpdateJson, planJson } from './plan-description.ts';

const step = (index: number) => ({ index, line: index, instruction: 'COPY', text: 'COPY ./app ./app' });

describe('the words for a plan', () => {
  it('says from which step a rebuild starts, why, and how much Docker keeps from its cache', () => {
    const changed = ['app/a.py', 'app/b.py', 'app/c.py', 'app/d.py'];
    expect(
      describePlan(plan('api', { kind: 'rebuild', reason: 'inputs-changed', changedInputs: changed, firstInvalidatedStep: step(5) })),
    ).toBe('api: rebuild from step 5/7 COPY ./app ./app (app/a.py, app/b.py, app/c.py +1 more); steps 1–4 cached');
    expect(describePlan(plan('api', { kind: 'rebuild', reason: 'base-rebuilt', changedInputs: [], firstInvalidatedStep: step(2) }))).toBe(
      'api: rebuild from step 2/7 COPY ./app ./app (base image rebuilt); step 1 cached',
    );
    expect(describePlan(plan('api', { kind: 'rebuild', reason: 'never-built', changedInputs: [], firstInvalidatedStep: null }))).toBe(
      'api: build (no image for api:devloop-abc, no earlier build recorded)',
    );
    expect(describePlan(plan('api', { kind: 'fresh', reason: 'image-exists' }))).toBe('api: fresh (api:devloop-abc exists)');
    expect(planJson(plan('api', { kind: 'fresh', reason: 'no-change' }))).toMatchObject({
      name: 'api',
      rebuild: false,
      firstInvalidatedStep: null,
    });
  });

  it('says what a live update would copy and run, or why it rebuilds', () => {
    const files = ['/srv/a', '/srv/b', '/srv/c', '/srv/d'].map((containerPath) => ({
      localPath: '/p/x',
      containerPath,
      kind: 'write' as const,
    }));
    expect(describeLiveUpdate({ kind: 'sync', files, runs: [['nginx', '-s', 'reload']], key: 'k' })).toBe(
      'live update: sync instead of rebuilding (/srv/a, /srv/b, /srv/c +1 more), then run nginx -s reload',
    );
    expect(describeLiveUpdate({ kind: 'rebuild', why: 'requirements.txt is not synced', key: 'k' })).toBe(
      'live update: no, rebuild (requirements.txt is not synced)',
    );
    expect(liveUpdateJson(undefined)).toEqual({ kind: 'rebuild', why: undefined });
  });
});
