/**
 * Step progress read from `docker build` output, so the UI can show which
 * step runs and which came from the cache, and a failure can name its step.
 * Two dialects: the classic builder (`Step 3/7 : COPY . .`, ` ---> Using cache`)
 * and BuildKit's plain progress (`#5 [2/4] COPY . .`, `#5 CACHED`).
 */
export type BuildProgress =
  | { readonly kind: 'step'; readonly index: number; readonly total: number | undefined; readonly text: string }
  | { readonly kind: 'cached'; readonly index: number }
  | { readonly kind: 'executed'; readonly index: number }
  | { readonly kind: 'failed'; readonly index: number | undefined; readonly message: string };

/** Reads output line by line; `push` returns what each line told. */
export interface ProgressParser {
  push(line: string): BuildProgress[];
  /** Called when the build ended: settles the last step. */
  finish(): BuildProgress[];
  /** Text of the step being (or last) run, for failures. */
  readonly currentStep: { readonly index: number; readonly text: string } | undefined;
}

/**
 * Classic builder. Step numbers are Docker's own: every instruction of the
 * file counted from 1, FROM and ARGs before the first FROM included — the
 * same numbering devloop's plan uses. A step not followed by ` ---> Using cache`
 * ran (FROM steps never say it and are not counted as either).
 */
export function classicProgressParser(): ProgressParser {
  let current: { index: number; text: string; keyword: string; settled: boolean } | undefined;
  const settle = (): BuildProgress[] => {
    if (!current || current.settled || current.keyword === 'FROM') return [];
    current.settled = true;
    return [{ kind: 'executed', index: current.index }];
  };
  return {
    push(line) {
      const step = /^Step (\d+)\/(\d+) : (.*)$/.exec(line);
      if (step) {
        const out = settle();
        const text = step[3] ?? '';
        current = { index: Number(step[1]), text, keyword: (text.split(/\s/)[0] ?? '').toUpperCase(), settled: false };
        out.push({ kind: 'step', index: current.index, total: Number(step[2]), text });
        return out;
      }
      if (!current) return [];
      if (line.startsWith(' ---> Using cache')) {
        current.settled = true;
        return [{ kind: 'cached', index: current.index }];
      }
      if (line.startsWith(' ---> Running in ') || /^ ---> [0-9a-f]{12}$/.test(line)) return settle();
      const failure = /^(The command .* returned a non-zero code: \d+|COPY failed: .*|ADD failed: .*|failed to .*|error .*)$/i.exec(line);
      if (failure) {
        current.settled = true;
        return [{ kind: 'failed', index: current.index, message: line }];
      }
      return [];
    },
    finish: () => settle(),
    get currentStep() {
      return current && { index: current.index, text: current.text };
    },
  };
}

/**
 * BuildKit plain progress. BuildKit numbers steps per stage (`[builder 2/4]`),
 * so `toIndex` maps a stage label and its step number to the file-wide index.
 */
export function buildkitProgressParser(toIndex: (stage: string | undefined, step: number) => number | undefined): ProgressParser {
  const vertices = new Map<string, { index: number; text: string }>();
  let current: { index: number; text: string } | undefined;
  return {
    push(line) {
      const start = /^#(\d+) \[(?:(\S+) )?(\d+)\/(\d+)\] (.*)$/.exec(line);
      if (start) {
        const index = toIndex(start[2], Number(start[3]));
        if (index === undefined) return [];
        const text = start[5] ?? '';
        vertices.set(start[1] ?? '', { index, text });
        current = { index, text };
        return [{ kind: 'step', index, total: undefined, text }];
      }
      const status = /^#(\d+) (CACHED|DONE [\d.]+s|ERROR:? ?(.*))$/.exec(line);
      const vertex = status && vertices.get(status[1] ?? '');
      if (!status || !vertex) return [];
      if (status[2] === 'CACHED') {
        vertices.delete(status[1] ?? '');
        return [{ kind: 'cached', index: vertex.index }];
      }
      if (status[2]?.startsWith('DONE')) {
        vertices.delete(status[1] ?? '');
        return vertex.text.startsWith('FROM') ? [] : [{ kind: 'executed', index: vertex.index }];
      }
      current = vertex;
      return [{ kind: 'failed', index: vertex.index, message: status[3] ?? line }];
    },
    finish: () => [],
    get currentStep() {
      return current;
    },
  };
}
