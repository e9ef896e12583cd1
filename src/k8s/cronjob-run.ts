import type { KubeObject } from './kube-types.ts';

/**
 * The Job `kubectl create job --from=cronjob/<name>` would make: the
 * CronJob's job template, owned by the CronJob (so deleting it deletes the
 * run) and marked as started by hand. Pure.
 */
export function jobFromCronJob(cron: KubeObject, jobName: string): KubeObject {
  const template = (cron.spec as { jobTemplate?: { metadata?: KubeObject['metadata']; spec?: unknown } } | undefined)?.jobTemplate;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName,
      ...(cron.metadata.namespace ? { namespace: cron.metadata.namespace } : {}),
      labels: { ...template?.metadata?.labels },
      annotations: { ...template?.metadata?.annotations, 'cronjob.kubernetes.io/instantiate': 'manual' },
      ...(cron.metadata.uid
        ? {
            ownerReferences: [
              { apiVersion: 'batch/v1', kind: 'CronJob', name: cron.metadata.name, uid: cron.metadata.uid, controller: true },
            ],
          }
        : {}),
    },
    spec: template?.spec ?? {},
  };
}

/** A name for a run started by hand: the CronJob's name (cut to fit) and a time stamp, as the label value limit of 63 allows. */
export function runName(cronJob: string, now: number): string {
  const stamp = Math.floor(now / 1000).toString(36);
  return `${cronJob.slice(0, 63 - stamp.length - 1)}-${stamp}`;
}
