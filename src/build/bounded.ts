/**
 * At most `limit` calls of the returned function run at once; the others
 * wait in order. The input walk wraps its stats, directory reads and file
 * hashes in one: on a cold hash index, reading 100k files one after another
 * waits on the disk 100k times, while a few dozen reads in flight keep
 * libuv's thread pool busy without opening thousands of files at once.
 */
export function boundedConcurrency(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running < limit) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/** Calls `each` for every item, at most `limit` at a time; resolves when all are done (rejects on the first failure). */
export async function forEachBounded<T>(items: readonly T[], limit: number, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await each(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}
