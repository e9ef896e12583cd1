import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../core/diagnostic.ts';
import { configSchema } from './config-schema.ts';
import { check, withoutCredentials } from './schema.ts';

describe('registry credentials in the config', () => {
  it('refuses a registry with user:pass@ and never echoes the password', () => {
    const out: Diagnostic[] = [];
    check(configSchema, { cluster: { k3d: { registry: 'admin:hunter2@localhost:5000' } } }, '', () => 'devloop.config.ts', out);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ code: 'config-invalid-value', keyPath: 'cluster.k3d.registry' });
    expect(JSON.stringify(out)).not.toContain('hunter2');
    expect(out[0]?.message).toContain('***@localhost:5000');
  });

  it('accepts host and host:port', () => {
    for (const registry of ['localhost:5000', 'k3d-registry.localhost:5000', 'registry.example.com']) {
      const out: Diagnostic[] = [];
      check(configSchema, { cluster: { k3d: { registry } } }, '', () => 'f', out);
      expect(out).toEqual([]);
    }
  });

  it('masks userinfo in URLs and bare hosts', () => {
    expect(withoutCredentials('https://u:p@r.example/v2/')).toBe('https://***@r.example/v2/');
    expect(withoutCredentials('u:p@r:5000')).toBe('***@r:5000');
    expect(withoutCredentials('localhost:5000')).toBe('localhost:5000');
  });
});

describe('live-update settings', () => {
  const errors = (image: Record<string, unknown>) => {
    const out: Diagnostic[] = [];
    check(configSchema, { images: { web: { context: 'app', ...image } } }, '', () => 'devloop.config.ts', out);
    return out;
  };

  it('accepts rules, infer, run steps and the mode', () => {
    expect(
      errors({ sync: [{ from: 'site', to: '/srv' }], run: [{ command: ['sh', '-c', 'kill -HUP 1'], when: ['site/**/*.conf'] }] }),
    ).toEqual([]);
    expect(errors({ sync: 'infer', syncMode: 'off' })).toEqual([]);
  });

  it('names the rule that is wrong', () => {
    expect(errors({ sync: [{ from: 'site', to: 'srv' }] })[0]).toMatchObject({ keyPath: 'images.web.sync[0].to' });
    expect(errors({ sync: [{ from: '../x', to: '/srv' }] })[0]).toMatchObject({ keyPath: 'images.web.sync[0].from' });
    expect(errors({ sync: 'guess' })[0]?.message).toBe('expected \'infer\' or a list of { from, to }, got string "guess"');
    expect(errors({ syncMode: 'on' })[0]).toMatchObject({ keyPath: 'images.web.syncMode' });
  });
});
