import * as path from 'node:path';

/** True for a `path.relative` answer that leaves its base (`..`, `../x`), but not for names like `..data`. */
export function isOutside(relative: string): boolean {
  return relative === '..' || relative.startsWith(`..${path.sep}`) || relative.startsWith('../') || path.isAbsolute(relative);
}
