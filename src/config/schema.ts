import type { Diagnostic } from '../core/diagnostic.ts';
import { didYouMean } from '../core/did-you-mean.ts';

/**
 * A tiny declarative schema for the config file. Hand-written rather than a
 * schema library so that every message names the key path in the words a
 * person reads (`expected a string, got number`) and unknown keys get a
 * "did you mean".
 */
export type Schema =
  | { readonly type: 'string'; readonly oneOf?: readonly string[]; readonly pattern?: RegExp; readonly patternText?: string }
  | { readonly type: 'number'; readonly integer?: boolean; readonly min?: number; readonly max?: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'array'; readonly items: Schema }
  | { readonly type: 'record'; readonly values: Schema; readonly keyPattern?: RegExp; readonly keyText?: string }
  | { readonly type: 'object'; readonly fields: Readonly<Record<string, Schema>>; readonly required?: readonly string[] }
  | { readonly type: 'union'; readonly options: readonly Schema[]; readonly description: string };

/** `user:pass@host` → `***@host`: a refused value is echoed, its credentials never are. */
export function withoutCredentials(value: string): string {
  return value.replace(/(^|\/\/)[^\s/@]+@/g, '$1***@');
}

/** Reports which file a key path came from, so diagnostics name the right file. */
export type FileOf = (keyPath: string) => string;

/** Checks `value` against `schema`, appending one diagnostic per mistake. */
export function check(schema: Schema, value: unknown, keyPath: string, fileOf: FileOf, out: Diagnostic[]): void {
  const fail = (code: string, message: string, hint?: string): void => {
    out.push({ severity: 'error', code, message, keyPath, file: fileOf(keyPath), ...(hint ? { hint } : {}) });
  };
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') {
        fail('config-wrong-type', `expected a string, got ${describe(value)}`);
        return;
      }
      if (schema.oneOf && !schema.oneOf.includes(value)) {
        const guess = didYouMean(value, schema.oneOf);
        fail(
          'config-invalid-value',
          `expected one of ${schema.oneOf.map((o) => `"${o}"`).join(', ')}, got "${value}"`,
          guess ? `did you mean "${guess}"?` : undefined,
        );
        return;
      }
      if (schema.pattern && !schema.pattern.test(value)) {
        fail('config-invalid-value', `"${withoutCredentials(value)}" is not ${schema.patternText ?? `matching ${schema.pattern}`}`);
        return;
      }
      return;
    case 'number':
      if (typeof value !== 'number' || Number.isNaN(value)) {
        fail('config-wrong-type', `expected a number, got ${describe(value)}`);
        return;
      }
      if (schema.integer && !Number.isInteger(value)) {
        fail('config-invalid-value', `expected a whole number, got ${value}`);
        return;
      }
      if (schema.min !== undefined && value < schema.min) {
        fail('config-invalid-value', `must be at least ${schema.min}, got ${value}`);
        return;
      }
      if (schema.max !== undefined && value > schema.max) {
        fail('config-invalid-value', `must be at most ${schema.max}, got ${value}`);
        return;
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail('config-wrong-type', `expected true or false, got ${describe(value)}`);
      return;
    case 'array':
      if (!Array.isArray(value)) {
        fail('config-wrong-type', `expected a list, got ${describe(value)}`);
        return;
      }
      for (const [i, item] of value.entries()) check(schema.items, item, `${keyPath}[${i}]`, fileOf, out);
      return;
    case 'record':
      if (!isPlainObject(value)) {
        fail('config-wrong-type', `expected an object, got ${describe(value)}`);
        return;
      }
      for (const [key, item] of Object.entries(value)) {
        const itemPath = join(keyPath, key);
        if (schema.keyPattern && !schema.keyPattern.test(key)) {
          out.push({
            severity: 'error',
            code: 'config-invalid-name',
            message: `"${key}" is not a valid name: ${schema.keyText ?? `it must match ${schema.keyPattern}`}`,
            keyPath: itemPath,
            file: fileOf(itemPath),
          });
          continue;
        }
        check(schema.values, item, itemPath, fileOf, out);
      }
      return;
    case 'object': {
      if (!isPlainObject(value)) {
        fail('config-wrong-type', `expected an object, got ${describe(value)}`);
        return;
      }
      const known = Object.keys(schema.fields);
      for (const [key, item] of Object.entries(value)) {
        const field = schema.fields[key];
        const itemPath = join(keyPath, key);
        if (!field) {
          const guess = didYouMean(key, known);
          out.push({
            severity: 'error',
            code: 'config-unknown-key',
            message: `unknown key "${key}"`,
            keyPath: itemPath,
            file: fileOf(itemPath),
            hint: guess ? `did you mean "${guess}"?` : `known keys: ${known.join(', ')}`,
          });
          continue;
        }
        if (item === undefined) continue;
        check(field, item, itemPath, fileOf, out);
      }
      for (const key of schema.required ?? []) {
        if (value[key] === undefined) {
          const itemPath = join(keyPath, key);
          out.push({
            severity: 'error',
            code: 'config-missing-key',
            message: 'is required',
            keyPath: itemPath,
            file: fileOf(keyPath || itemPath),
          });
        }
      }
      return;
    }
    case 'union': {
      for (const option of schema.options) {
        const trial: Diagnostic[] = [];
        check(option, value, keyPath, fileOf, trial);
        if (trial.length === 0) return;
      }
      // A list or object meant for the one option of that kind: that option's diagnostics name the exact key inside it.
      // Among several object options, the one whose keys the value uses is meant (`{ helm: … }` vs `{ kustomize: … }`).
      let sameKind = schema.options.filter((o) => kindOf(o) === valueKind(value));
      if (sameKind.length > 1 && isPlainObject(value)) {
        const keys = Object.keys(value);
        sameKind = sameKind.filter((o) => o.type === 'object' && keys.some((k) => k in o.fields));
      }
      if (sameKind.length === 1 && sameKind[0] && (valueKind(value) === 'array' || valueKind(value) === 'object')) {
        check(sameKind[0], value, keyPath, fileOf, out);
        return;
      }
      fail('config-wrong-type', `expected ${schema.description}, got ${describe(value)}`);
      return;
    }
  }
}

/** True for `{}`-style objects (not arrays, not null, not class instances). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Appends a key to a dotted path, bracketing keys that are not identifiers. */
export function join(keyPath: string, key: string): string {
  const part = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  if (!keyPath) return part;
  return part.startsWith('"') ? `${keyPath}[${part}]` : `${keyPath}.${part}`;
}

function kindOf(schema: Schema): string {
  return schema.type === 'record' ? 'object' : schema.type;
}

function valueKind(value: unknown): string {
  return Array.isArray(value) ? 'array' : typeof value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `string "${value}"`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}
