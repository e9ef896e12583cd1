import { isPlainObject, join } from './schema.ts';

/** Where a configured value came from, for `devloop config` and for diagnostics. */
export type Origin =
  | { readonly kind: 'default' }
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'flag'; readonly name: string };

/** One source of raw configuration, lowest precedence first when merged. */
export interface Layer {
  readonly origin: Origin;
  readonly value: Record<string, unknown>;
}

/** The merged raw object and the origin of every key path in it. */
export interface Merged {
  readonly value: Record<string, unknown>;
  readonly origins: Map<string, Origin>;
}

/**
 * Deep-merges layers: objects merge key by key, everything else (strings,
 * numbers, lists) is replaced by the later layer. Records which layer set each
 * key path.
 */
export function mergeLayers(layers: readonly Layer[]): Merged {
  const origins = new Map<string, Origin>();
  let value: Record<string, unknown> = {};
  for (const layer of layers) value = mergeInto(value, layer.value, '', layer.origin, origins);
  return { value, origins };
}

function mergeInto(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
  keyPath: string,
  origin: Origin,
  origins: Map<string, Origin>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, next] of Object.entries(over)) {
    if (next === undefined) continue;
    const path = join(keyPath, key);
    const previous = out[key];
    if (isPlainObject(next) && isPlainObject(previous)) {
      out[key] = mergeInto(previous, next, path, origin, origins);
    } else {
      for (const known of [...origins.keys()]) if (known.startsWith(`${path}.`) || known.startsWith(`${path}[`)) origins.delete(known);
      out[key] = isPlainObject(next) ? mergeInto({}, next, path, origin, origins) : next;
    }
    origins.set(path, origin);
  }
  return out;
}

/** The origin of a key path, or of its nearest recorded ancestor. */
export function originOf(origins: ReadonlyMap<string, Origin>, keyPath: string): Origin | undefined {
  let path = keyPath;
  while (path) {
    const found = origins.get(path);
    if (found) return found;
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    path = cut > 0 ? path.slice(0, cut) : '';
  }
  return undefined;
}

/** A short human label: `devloop.config.ts`, `env DEVLOOP_CONTEXT`, `--context`, `default`. */
export function describeOrigin(origin: Origin | undefined, relativeTo: (file: string) => string): string {
  if (!origin) return 'default';
  switch (origin.kind) {
    case 'default':
      return 'default';
    case 'file':
      return relativeTo(origin.file);
    case 'env':
      return `env ${origin.name}`;
    case 'flag':
      return origin.name;
  }
}
