import { describe, expect, it } from 'vitest';
import type { KubeObject } from './kube-types.ts';
import { resourcesFromManifests, unknownDependencies } from './manifest-resources.ts';

const object = (kind: string, name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : kind === 'Service' || kind === 'Pod' ? 'v1' : 'apps/v1',
  kind,
  metadata: { name, ...extra },
});
const make = (name: string, workload: { kind: string; name: string }) => ({ name, workload, dependsOn: [] as string[] });

describe('resourcesFromManifests', () => {
  const objects = [
    object('Deployment', 'api'),
    object('StatefulSet', 'db'),
    object('Service', 'api'),
    object('Job', 'migrate'),
    object('Deployment', 'db'),
  ];

  it('makes every unclaimed workload a resource named after it, and skips other kinds', () => {
    const out = resourcesFromManifests({}, objects, make);
    expect(Object.keys(out)).toEqual(['api', 'db', 'migrate', 'db-deployment']);
    expect(out.db?.workload).toEqual({ kind: 'StatefulSet', name: 'db' });
  });

  it('keeps configured resources and finds the kind of the workload named like them when none was given', () => {
    const configured = {
      web: { name: 'web', workload: { kind: 'Deployment', name: 'api' }, dependsOn: ['migrate'] },
      cache: { name: 'cache', workload: { kind: 'Deployment', name: 'redis' }, dependsOn: [] },
    };
    const out = resourcesFromManifests(configured, [...objects, object('StatefulSet', 'redis')], make);
    expect(out.web?.workload).toEqual({ kind: 'Deployment', name: 'api' });
    expect(out.cache?.workload).toEqual({ kind: 'StatefulSet', name: 'redis' });
    expect(Object.keys(out)).toEqual(['web', 'cache', 'db', 'migrate', 'db-deployment']);
  });

  it('respects a kind the config named, even when the manifests lack it', () => {
    const configured = { cache: { name: 'cache', workload: { kind: 'Deployment', name: 'redis', kindGiven: true }, dependsOn: [] } };
    const out = resourcesFromManifests(configured, [object('StatefulSet', 'redis')], make);
    expect(out.cache?.workload.kind).toBe('Deployment');
    expect(out.redis?.workload.kind).toBe('StatefulSet');
  });

  it('ignores pods and jobs something else owns', () => {
    const owned = object('Pod', 'x', { ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', uid: 'u' }] });
    expect(resourcesFromManifests({}, [owned], make)).toEqual({});
  });
});

describe('unknownDependencies', () => {
  it('names each dependency no resource has', () => {
    expect(unknownDependencies({ api: { dependsOn: ['db', 'cache'] }, db: { dependsOn: [] } })).toEqual([
      { resource: 'api', index: 1, name: 'cache' },
    ]);
  });
});
