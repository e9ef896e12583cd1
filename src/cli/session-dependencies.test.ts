import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve-config.ts';
import type { DevloopConfig } from '../config/types.ts';
import { dependencyDiagnostics } from './session.ts';

const resolve = (raw: DevloopConfig) => resolveConfig({ raw, configFile: '/p/devloop.config.ts', localFile: undefined });

describe('dependencyDiagnostics, once the manifests made their workloads resources', () => {
  it('accepts resources, local commands and workloads; names the rest with the closest name', () => {
    const config = resolve({ resources: { api: { dependsOn: ['gen', 'db'] } }, local: { gen: { command: ['gen'], dependsOn: ['apj'] } } });
    const withDb = {
      ...config,
      resources: {
        ...config.resources,
        db: {
          name: 'db',
          workload: { kind: 'StatefulSet' as const, name: 'db' },
          containers: {},
          dependsOn: [],
          portForwards: [],
          trigger: 'auto' as const,
        },
      },
    };
    expect(dependencyDiagnostics(withDb)).toEqual([
      {
        severity: 'error',
        code: 'config-unknown-dependency',
        file: '/p/devloop.config.ts',
        keyPath: 'local.gen.dependsOn[0]',
        message:
          'unknown dependency "apj": no resource or local command is configured by that name and no workload of the manifests has it',
        hint: 'did you mean "api"?',
      },
    ]);
  });
});
