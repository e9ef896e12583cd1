import { describe, expect, it } from 'vitest';
import { neededStages, parseDockerfile, stepCount, targetStage } from './dockerfile-model.ts';

const multi = `# syntax=docker/dockerfile:1
ARG BASE=busybox:1.36
# a comment

FROM \${BASE} AS builder
ARG DIR=app
ENV OUT=/out
COPY --chown=1:1 \${DIR}/*.py \\
   \${OUT}/
COPY ["a b.txt", "c", "/dst/"]
RUN echo hi && \\
  echo there

FROM busybox:1.36 AS unused
COPY unused.txt /

FROM builder AS final
COPY --from=builder /out /x
COPY --from=0 /out /y
COPY --from=nginx:1 /etc/nginx /z
ADD x.tar.gz /
`;

describe('parseDockerfile', () => {
  const model = parseDockerfile({ text: multi, file: 'Dockerfile' });

  it('numbers every instruction from 1, FROM and ARGs before it included, with first lines', () => {
    expect(model.instructions.map((i) => [i.index, i.line, i.keyword])).toEqual([
      [1, 2, 'ARG'],
      [2, 5, 'FROM'],
      [3, 6, 'ARG'],
      [4, 7, 'ENV'],
      [5, 8, 'COPY'],
      [6, 10, 'COPY'],
      [7, 11, 'RUN'],
      [8, 14, 'FROM'],
      [9, 15, 'COPY'],
      [10, 17, 'FROM'],
      [11, 18, 'COPY'],
      [12, 19, 'COPY'],
      [13, 20, 'COPY'],
      [14, 21, 'ADD'],
    ]);
    expect(model.diagnostics).toEqual([]);
  });

  it('finds stages with names, expanded base images and stage bases', () => {
    expect(model.stages.map((s) => [s.index, s.name, s.baseImage, s.baseStage])).toEqual([
      [0, 'builder', 'busybox:1.36', undefined],
      [1, 'unused', 'busybox:1.36', undefined],
      [2, 'final', 'builder', 0],
    ]);
  });

  it('expands ARG and ENV in shell-form sources across continuations', () => {
    const copy = model.instructions[4]?.copy;
    expect(copy?.sources).toEqual(['app/*.py']);
    expect(copy?.destination).toEqual('/out/');
    expect(model.instructions[4]?.flags.get('chown')).toBe('1:1');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile text, not a template
    expect(model.instructions[4]?.text).toBe('COPY --chown=1:1 ${DIR}/*.py ${OUT}/');
  });

  it('reads JSON-form sources with spaces', () => {
    expect(model.instructions[5]?.form).toBe('json');
    expect(model.instructions[5]?.copy?.sources).toEqual(['a b.txt', 'c']);
  });

  it('resolves COPY --from to stages by name and index, else an image', () => {
    expect(model.instructions[10]?.copy?.from).toEqual({ kind: 'stage', stage: 0 });
    expect(model.instructions[11]?.copy?.from).toEqual({ kind: 'stage', stage: 0 });
    expect(model.instructions[12]?.copy?.from).toEqual({ kind: 'image', image: 'nginx:1' });
  });

  it('lets build args override ARG defaults, before and after FROM', () => {
    const m = parseDockerfile({ text: multi, file: 'Dockerfile', buildArgs: { BASE: 'debian:bookworm-slim', DIR: 'src' } });
    expect(m.stages[0]?.baseImage).toBe('debian:bookworm-slim');
    expect(m.instructions[4]?.copy?.sources).toEqual(['src/*.py']);
  });

  it('knows the stages a target needs and how many steps Docker counts', () => {
    const final = targetStage(model, undefined);
    const builder = targetStage(model, 'builder');
    if (!final || !builder) throw new Error('stages missing');
    expect(final.name).toBe('final');
    expect([...neededStages(model, final)].sort()).toEqual([0, 2]);
    expect(stepCount(model, final)).toBe(14);
    expect(stepCount(model, builder)).toBe(7);
    expect(targetStage(model, 'nope')).toBeUndefined();
  });

  it('honours the escape directive', () => {
    const m = parseDockerfile({ text: '# escape=`\nFROM busybox\nCOPY a.txt `\n  b.txt /dst/\n', file: 'Dockerfile' });
    expect(m.escape).toBe('`');
    expect(m.instructions[1]?.copy?.sources).toEqual(['a.txt', 'b.txt']);
    expect(m.instructions[1]?.line).toBe(3);
  });

  it('redeclared meta ARGs take their value inside a stage; ENV wins over ARG', () => {
    const m = parseDockerfile({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile text, not a template
      text: 'ARG V=one\nFROM busybox\nARG V\nCOPY $V.txt /\nENV V=two\nCOPY ${V}.txt ${MISSING:-def}/\n',
      file: 'Dockerfile',
    });
    expect(m.instructions[3]?.copy?.sources).toEqual(['one.txt']);
    expect(m.instructions[5]?.copy?.sources).toEqual(['two.txt']);
    expect(m.instructions[5]?.copy?.destination).toBe('def/');
  });

  it('reports unknown instructions with file and line', () => {
    const m = parseDockerfile({ text: 'FROM busybox\nCOPPY a /\n', file: 'svc/Dockerfile' });
    expect(m.diagnostics).toEqual([
      expect.objectContaining({ code: 'dockerfile-unknown-instruction', file: 'svc/Dockerfile', line: 2, hint: 'did you mean COPY?' }),
    ]);
  });

  it('signatures ignore comments and blank lines but see command changes', () => {
    const a = parseDockerfile({ text: 'FROM busybox\nRUN echo a\nCOPY . .\n', file: 'D' });
    const b = parseDockerfile({ text: 'FROM busybox\n# note\n\nRUN echo a\nCOPY . .\n', file: 'D' });
    const c = parseDockerfile({ text: 'FROM busybox\nRUN echo b\nCOPY . .\n', file: 'D' });
    expect(b.instructions.map((i) => i.signature)).toEqual(a.instructions.map((i) => i.signature));
    expect(c.instructions[1]?.signature).not.toEqual(a.instructions[1]?.signature);
  });

  it("models a RUN's bind mounts as what it reads, and its cache mounts as nothing", () => {
    const model = parseDockerfile({
      file: 'D',
      text: [
        'FROM busybox AS tools',
        'FROM busybox',
        'RUN --mount=type=cache,target=/root/.cache pip install x',
        'RUN --mount=type=bind,source=req.txt,target=/r --mount=source=lock.txt,target=/l pip install -r /r',
        'RUN --mount=type=bind,from=tools,source=/bin,target=/t /t/sh',
        'RUN --mount=type=bind,from=tools,target=/t --mount=type=bind,source=a,target=/a true',
      ].join('\n'),
    });
    const copies = model.instructions.slice(2).map((i) => i.copy && { from: i.copy.from, sources: i.copy.sources });
    expect(copies).toEqual([
      undefined,
      { from: { kind: 'context' }, sources: ['req.txt', 'lock.txt'] },
      { from: { kind: 'stage', stage: 0 }, sources: ['/bin'] },
      // Mounts from different places: the whole context, so no change is missed.
      { from: { kind: 'context' }, sources: ['.'] },
    ]);
    const target = targetStage(model, undefined);
    expect(target && [...neededStages(model, target)].sort()).toEqual([0, 1]);
  });
});
