import { describe, expect, it } from 'vitest';
import { buildPlan as plan } from './build-plan.test-support.ts';
import { withDependencies } from './with-dependencies.ts';

describe('withDependencies', () => {
  it('takes along every image a named one builds FROM', () => {
    const plans = [
      plan('base', { kind: 'fresh', reason: 'no-change' }),
      plan('mid', { kind: 'fresh', reason: 'no-change' }, { dependencies: ['base'] }),
      plan('api', { kind: 'fresh', reason: 'no-change' }, { dependencies: ['mid'] }),
      plan('web', { kind: 'fresh', reason: 'no-change' }),
    ];
    expect(withDependencies(plans, ['api']).map((p) => p.name)).toEqual(['base', 'mid', 'api']);
    expect(withDependencies(plans, undefined)).toHaveLength(4);
  });
});
