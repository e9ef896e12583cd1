import type { HashedFile } from './file-hasher.ts';
import type { FileStat } from './file-system.ts';

/**
 * `HashedFile` answers as columns, the form a hashing thread posts them in:
 * a few arrays copy between threads much faster than thousands of small
 * objects, which the receiving thread would rebuild property by property.
 */
export interface HashColumns {
  readonly kinds: Uint8Array;
  readonly statKinds: Uint8Array;
  /** size, ctimeMs, mode, readAtMs per answer. */
  readonly numbers: Float64Array;
  /** mtimeNs, ino, digest (or the error's code and message) per answer. */
  readonly strings: string[];
}

const answerKinds = ['hashed', 'not-a-file', 'missing', 'denied', 'failed'] as const;
const statKinds = ['file', 'directory', 'symlink', 'other'] as const;

export function hashedColumns(answers: readonly HashedFile[]): HashColumns {
  const kinds = new Uint8Array(answers.length);
  const kindOfStat = new Uint8Array(answers.length);
  const numbers = new Float64Array(answers.length * 4);
  const strings: string[] = [];
  for (const [i, answer] of answers.entries()) {
    kinds[i] = answerKinds.indexOf(answer.kind);
    if (answer.kind === 'hashed' || answer.kind === 'not-a-file') {
      const { stat } = answer;
      kindOfStat[i] = statKinds.indexOf(stat.kind);
      numbers[i * 4] = stat.size;
      numbers[i * 4 + 1] = stat.ctimeMs;
      numbers[i * 4 + 2] = stat.mode;
      numbers[i * 4 + 3] = answer.kind === 'hashed' ? answer.readAtMs : 0;
      strings.push(stat.mtimeNs, stat.ino, answer.kind === 'hashed' ? answer.digest : '');
    } else if (answer.kind === 'failed') strings.push(answer.code ?? '', answer.message, '');
    else strings.push('', '', '');
  }
  return { kinds, statKinds: kindOfStat, numbers, strings };
}

export function hashedFromColumns({ kinds, statKinds: kindOfStat, numbers, strings }: HashColumns): HashedFile[] {
  const answers: HashedFile[] = [];
  for (let i = 0; i < kinds.length; i++) {
    const kind = answerKinds[kinds[i] as number];
    const s = i * 3;
    if (kind === 'hashed' || kind === 'not-a-file') {
      const n = i * 4;
      const stat: FileStat = {
        kind: statKinds[kindOfStat[i] as number] ?? 'other',
        size: numbers[n] as number,
        mtimeNs: strings[s] as string,
        ctimeMs: numbers[n + 1] as number,
        ino: strings[s + 1] as string,
        mode: numbers[n + 2] as number,
      };
      answers.push(
        kind === 'hashed' ? { kind, stat, digest: strings[s + 2] as string, readAtMs: numbers[n + 3] as number } : { kind, stat },
      );
    } else if (kind === 'failed') {
      const code = strings[s] as string;
      answers.push({ kind, code: code === '' ? undefined : code, message: strings[s + 1] as string });
    } else answers.push({ kind: kind === 'denied' ? 'denied' : 'missing' });
  }
  return answers;
}
