import { errorText } from '../core/format.ts';
import { err, ok, type Result } from '../core/result.ts';
import { join } from './schema.ts';

/** Why an exported value is not plain configuration data, and where in it. */
export interface NotPlainData {
  readonly keyPath: string;
  readonly message: string;
}

/** Deeper than this is a mistake (or a generated structure), not a configuration. */
const maxDepth = 64;

/**
 * Copies what a config module exported into plain data — objects, lists,
 * strings, numbers, booleans and null — reading every key exactly once.
 * A config is code, so its value can do what data cannot: a getter that
 * throws, an object that contains itself, a `__proto__` key that would
 * replace a prototype when merged, a function or class instance no schema
 * accepts. Each is refused here with the key path, instead of surfacing
 * later as a crash or a confusing schema message. The copy is what crosses
 * from the loading worker to devloop (structured clone), so nothing of the
 * module's code runs afterwards.
 */
export function toPlainData(value: unknown): Result<unknown, NotPlainData> {
  try {
    return ok(copy(value, '', []));
  } catch (error) {
    if (error instanceof Refusal) return err({ keyPath: error.keyPath, message: error.message });
    // A Proxy trap (ownKeys, getPrototypeOf) that threw: the path is not known.
    return err({ keyPath: '', message: `reading the exported value threw: ${errorText(error)}` });
  }
}

class Refusal extends Error {
  readonly keyPath: string;
  constructor(keyPath: string, message: string) {
    super(message);
    this.keyPath = keyPath;
  }
}

function copy(value: unknown, keyPath: string, ancestors: { value: object; keyPath: string }[]): unknown {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return value;
    case 'function':
      throw new Refusal(keyPath, `${plainDataExpected}, got a function`);
    case 'symbol':
    case 'bigint':
      throw new Refusal(keyPath, `${plainDataExpected}, got a ${typeof value}`);
  }
  if (value === null) return null;
  const object = value as object;
  const cycle = ancestors.find((a) => a.value === object);
  if (cycle)
    throw new Refusal(keyPath, `refers back to ${cycle.keyPath || 'the whole configuration'} (a cycle); configuration must be a tree`);
  if (ancestors.length >= maxDepth) throw new Refusal(keyPath, `is nested more than ${maxDepth} levels deep`);
  const inner = [...ancestors, { value: object, keyPath }];
  if (Array.isArray(object)) {
    const out: unknown[] = [];
    for (let i = 0; i < object.length; i++) {
      const itemPath = `${keyPath}[${i}]`;
      out.push(copy(read(object, i, itemPath), itemPath, inner));
    }
    return out;
  }
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) throw new Refusal(keyPath, `${plainDataExpected}, got ${describeInstance(object)}`);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const itemPath = join(keyPath, key);
    if (key === '__proto__') throw new Refusal(itemPath, 'a "__proto__" key is not allowed: it would replace the prototype of its object');
    out[key] = copy(read(object, key, itemPath), itemPath, inner);
  }
  return out;
}

const plainDataExpected = 'expected plain data (an object, list, string, number or true/false)';

function read(object: object, key: string | number, keyPath: string): unknown {
  try {
    return (object as Record<string | number, unknown>)[key];
  } catch (error) {
    throw new Refusal(keyPath, `reading it threw: ${errorText(error)}`);
  }
}

function describeInstance(object: object): string {
  const name = (object as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name !== 'string' || !name) return 'an object that is not plain';
  return /^[AEIOU]/.test(name) ? `an ${name}` : `a ${name}`;
}
