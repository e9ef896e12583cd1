import { describe, expect, it } from 'vitest';
import { jobFromCronJob, runName } from './cronjob-run.ts';

describe('jobFromCronJob', () => {
  it('makes the job template a Job owned by the CronJob and marked as started by hand', () => {
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'dev', uid: 'u1' },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: { metadata: { labels: { app: 'report' } }, spec: { backoffLimit: 0, template: { spec: { containers: [] } } } },
      },
    };
    expect(jobFromCronJob(cron, 'nightly-abc')).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'nightly-abc',
        namespace: 'dev',
        labels: { app: 'report' },
        annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'u1', controller: true }],
      },
      spec: { backoffLimit: 0, template: { spec: { containers: [] } } },
    });
  });

  it('names a run within the 63 characters a label value allows', () => {
    expect(runName('nightly', 1_700_000_000_000)).toBe(`nightly-${(1_700_000_000).toString(36)}`);
    expect(runName('x'.repeat(80), 1_700_000_000_000)).toHaveLength(63);
  });
});
