import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve-config.ts';
import { allLocalDepPatterns, localDepPatterns, loopLocals } from './local-model.ts';

describe('local commands for the loop and the watcher', () => {
  const config = resolveConfig({
    raw: {
      local: {
        gen: { command: ['npm', 'run', 'gen'], deps: ['api/schema/**/*.yaml', 'tools/gen/'] },
        web: { command: ['vite'], serve: true, dependsOn: ['gen'], trigger: 'manual' },
      },
    },
    configFile: '/p/devloop.config.ts',
    localFile: undefined,
  });

  it('takes a plain path for everything under it, and a glob as written', () => {
    expect(localDepPatterns(['api/schema/**/*.yaml', 'tools/gen/', 'package.json'])).toEqual([
      'api/schema/**/*.yaml',
      'tools/gen/',
      'tools/gen/**',
      'package.json',
      'package.json/**',
    ]);
    expect(allLocalDepPatterns(config)).toEqual(['api/schema/**/*.yaml', 'tools/gen/', 'tools/gen/**']);
  });

  it('tells each command which changed files are its deps', () => {
    const [gen, web] = loopLocals(config);
    expect(gen).toMatchObject({ name: 'gen', command: ['npm', 'run', 'gen'], serve: false, trigger: 'auto', dependsOn: [] });
    expect(web).toMatchObject({ name: 'web', serve: true, trigger: 'manual', dependsOn: ['gen'] });
    expect(gen?.watches(path.join('/p', 'api/schema/v1/users.yaml'))).toBe(true);
    expect(gen?.watches('/p/api/schema/README.md')).toBe(false);
    expect(gen?.watches('/p/tools/gen/templates/model.hbs')).toBe(true);
    expect(gen?.watches('/p/tools/generate.ts')).toBe(false);
    expect(web?.watches('/p/api/schema/v1/users.yaml')).toBe(false);
  });
});
