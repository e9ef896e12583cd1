import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../core/diagnostic.ts';
import { MemoryFileSystem } from '../system/memory-file-system.ts';
import { configSchema } from './config-schema.ts';
import { crossCheck } from './cross-check.ts';
import { resolveConfig } from './resolve-config.ts';
import { check } from './schema.ts';
import type { DevloopConfig } from './types.ts';

const root = '/project';
const fs = new MemoryFileSystem().put('/project/api/schema/api.yaml', 'openapi: 3.1');

async function diagnose(raw: DevloopConfig): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  check(configSchema, raw, '', () => 'devloop.config.ts', out);
  if (out.length) return out;
  const config = resolveConfig({ raw, configFile: path.join(root, 'devloop.config.ts'), localFile: undefined });
  return crossCheck(config, () => 'devloop.config.ts', fs);
}

describe('local commands in the config', () => {
  it('resolves defaults: no deps, not serving, the config file directory, auto trigger', () => {
    const config = resolveConfig({
      raw: {
        local: { gen: { command: ['npm', 'run', 'gen'] }, web: { command: ['vite'], serve: true, cwd: 'web', env: { PORT: '5173' } } },
      },
      configFile: path.join(root, 'devloop.config.ts'),
      localFile: undefined,
    });
    expect(config.local.gen).toEqual({
      name: 'gen',
      command: ['npm', 'run', 'gen'],
      deps: [],
      serve: false,
      cwd: root,
      env: {},
      dependsOn: [],
      trigger: 'auto',
    });
    expect(config.local.web).toMatchObject({ serve: true, cwd: '/project/web', env: { PORT: '5173' } });
  });

  it('accepts a command with deps and dependencies on resources and other commands', async () => {
    expect(
      await diagnose({
        resources: { api: { dependsOn: ['gen'] } },
        local: {
          gen: { command: ['npm', 'run', 'gen'], deps: ['api/schema/**'], cwd: 'api' },
          'sample-data': { command: ['sh', '-c', './load-sample-data.sh'], dependsOn: ['api', 'gen'], trigger: 'manual' },
        },
      }),
    ).toEqual([]);
  });

  it('names the key path of each mistake', async () => {
    const keyPaths = async (raw: DevloopConfig) => (await diagnose(raw)).map((d) => `${d.keyPath}: ${d.message}`);
    expect(await keyPaths({ local: { gen: { command: [] } } })).toEqual(['local.gen.command: is empty']);
    expect(await keyPaths({ local: { gen: { command: ['npm', ''] } } })).toEqual(['local.gen.command[1]: "" is not a non-empty word']);
    expect(await keyPaths({ local: { gen: {} as never } })).toEqual(['local.gen.command: is required']);
    expect(await keyPaths({ local: { gen: { command: ['gen'], deps: 'api/**' as never } } })).toEqual([
      'local.gen.deps: expected a list, got string "api/**"',
    ]);
    expect(await keyPaths({ local: { Gen: { command: ['gen'] } } })).toEqual([
      'local.Gen: "Gen" is not a valid name: lowercase letters, digits or "-", starting and ending with a letter or digit',
    ]);
    expect(await keyPaths({ local: { gen: { command: ['gen'], cwd: 'nowhere' } } })).toEqual([
      'local.gen.cwd: directory nowhere does not exist',
    ]);
    expect(await keyPaths({ resources: { api: {} }, local: { api: { command: ['gen'] } } })).toEqual([
      'local.api: "api" is both a resource and a local command',
    ]);
  });

  it('leaves a name it does not know to the session, since a workload of the manifests may have it', async () => {
    expect(await diagnose({ resources: { api: {} }, local: { gen: { command: ['gen'], dependsOn: ['apj'] } } })).toEqual([]);
  });

  it('finds a cycle through resources and local commands, and a command that waits for itself', async () => {
    const cycle = await diagnose({
      resources: { api: { dependsOn: ['sample-data'] } },
      local: { 'sample-data': { command: ['load'], dependsOn: ['api'] } },
    });
    expect(cycle.map((d) => `${d.keyPath}: ${d.message}`)).toEqual([
      'local.sample-data.dependsOn: resources and local commands depend on each other in a cycle: sample-data → api → sample-data',
    ]);
    const self = await diagnose({ local: { gen: { command: ['gen'], dependsOn: ['gen'] } } });
    expect(self.map((d) => `${d.keyPath}: ${d.message}`)).toEqual(['local.gen.dependsOn[0]: "gen" depends on itself']);
  });
});
