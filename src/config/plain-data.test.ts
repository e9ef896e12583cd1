import { describe, expect, it } from 'vitest';
import { toPlainData } from './plain-data.ts';

describe('toPlainData', () => {
  it('copies objects, lists and primitives, keeping shared (not cyclic) references', () => {
    const shared = { context: 'app' };
    const value = { images: { a: shared, b: shared }, manifests: ['k8s/*.yaml'], watch: { debounceMs: 50 }, x: null, y: true };
    const copied = toPlainData(value);
    expect(copied).toEqual({ ok: true, value });
    expect(copied.ok && copied.value).not.toBe(value);
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as object, { images: {} });
    expect(toPlainData(bare)).toEqual({ ok: true, value: { images: {} } });
  });

  it('names the key whose getter throws', () => {
    const value = {
      images: {
        get api() {
          throw new Error('no API_DIR\nat somewhere');
        },
      },
    };
    expect(toPlainData(value)).toEqual({ ok: false, error: { keyPath: 'images.api', message: 'reading it threw: no API_DIR' } });
  });

  it('names where a cycle closes and what it refers back to', () => {
    const root: Record<string, unknown> = { images: { api: { context: 'api' } } };
    ((root.images as Record<string, Record<string, unknown>>).api as Record<string, unknown>).self = root;
    expect(toPlainData(root)).toMatchObject({
      ok: false,
      error: { keyPath: 'images.api.self', message: /refers back to the whole configuration/ },
    });
    const list: unknown[] = [];
    list.push(list);
    expect(toPlainData({ manifests: list })).toMatchObject({
      ok: false,
      error: { keyPath: 'manifests[0]', message: /refers back to manifests/ },
    });
  });

  it('refuses a __proto__ key, as JSON.parse or YAML can produce one', () => {
    const value = JSON.parse('{"images": {"api": {"context": "api", "buildArgs": {"__proto__": {"polluted": "yes"}}}}}');
    expect(toPlainData(value)).toMatchObject({
      ok: false,
      error: { keyPath: 'images.api.buildArgs.__proto__', message: /"__proto__" key is not allowed/ },
    });
  });

  it('refuses functions, class instances, symbols and bigints with the key path', () => {
    class Port {
      n = 1;
    }
    expect(toPlainData({ a: { b: () => 1 } })).toMatchObject({ ok: false, error: { keyPath: 'a.b', message: /got a function/ } });
    expect(toPlainData({ when: new Date(0) })).toMatchObject({ ok: false, error: { keyPath: 'when', message: /got a Date/ } });
    expect(toPlainData({ p: [new Port()] })).toMatchObject({ ok: false, error: { keyPath: 'p[0]', message: /got a Port/ } });
    expect(toPlainData({ s: Symbol('x') })).toMatchObject({ ok: false, error: { keyPath: 's', message: /got a symbol/ } });
    expect(toPlainData({ n: 1n })).toMatchObject({ ok: false, error: { keyPath: 'n', message: /got a bigint/ } });
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100; i++) {
      const next = {};
      deep.a = next;
      deep = next;
    }
    expect(toPlainData(root)).toMatchObject({ ok: false, error: { message: /nested more than 64 levels/ } });
  });

  it('reports a proxy whose traps throw', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(toPlainData({ images: hostile })).toEqual({
      ok: false,
      error: { keyPath: '', message: 'reading the exported value threw: trap' },
    });
  });
});
