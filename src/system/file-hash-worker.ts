import { parentPort } from 'node:worker_threads';
import { type HashColumns, hashedColumns } from './file-hash-columns.ts';
import { contentDigest, type HashedFile, hashFailure, maxBlockingRead } from './file-hasher.ts';
import { NodeFileSystem } from './node-file-system.ts';

/** A request to a hashing thread: the paths to hash, answered with `HashColumns`. */
export interface HashRequest {
  readonly paths: readonly string[];
}

// The entry of a `FileHashPool` thread: each file is opened, stat'ed through the
// open descriptor, read into one reused buffer and hashed, all blocking; this
// thread has nothing else to do.
const fs = new NodeFileSystem();
const scratch = new Uint8Array(maxBlockingRead + 1);

function hashOne(file: string): HashedFile {
  try {
    const readAtMs = Date.now();
    const found = fs.readRegularFileNow(file, scratch);
    if (!found) return { kind: 'missing' };
    if (!found.content) return { kind: 'not-a-file', stat: found.stat };
    return { kind: 'hashed', stat: found.stat, digest: contentDigest(found.content), readAtMs };
  } catch (error) {
    return hashFailure(error);
  }
}

parentPort?.on('message', ({ paths }: HashRequest) => {
  const columns: HashColumns = hashedColumns(paths.map(hashOne));
  parentPort?.postMessage(columns);
});
