import { compileSource, isRemoteSource } from '../../graph/copy-sources.ts';
import { type DockerfileModel, type Stage, targetStage } from '../../graph/dockerfile-model.ts';
import { repositoryOf } from '../../graph/invalidation.ts';
import type { DockerfileLintInput, LintFinding } from './lint-finding.ts';
import { secretArgs } from './secret-build-arg.ts';

type DockerfileRule = (input: DockerfileLintInput) => LintFinding[];

const installCommand =
  /\b(pip3?|uv pip|python -m pip) install\b|\buv sync\b|\bpoetry install\b|\bnpm (ci|install|i)\b|\byarn( install)?\b|\bpnpm (install|i)\b|\bbundle install\b|\bgo mod download\b|\bcomposer install\b|\bmvn\b.*\b(dependency|install|package)\b|\bcargo (build|fetch)\b/;

/** The whole context copied before a dependency install: every source change reruns the install. */
const copyBeforeInstall: DockerfileRule = ({ model }) => {
  const out: LintFinding[] = [];
  for (const stage of model.stages) {
    const wholeCopy = stage.instructions.find(
      (i) =>
        (i.keyword === 'COPY' || i.keyword === 'ADD') &&
        i.copy?.from.kind === 'context' &&
        i.copy.sources.some((s) => !isRemoteSource(s) && compileSource(s).path === ''),
    );
    if (!wholeCopy) continue;
    const install = stage.instructions.find(
      (i) => i.index > wholeCopy.index && i.keyword === 'RUN' && installCommand.test(i.args.join(' ')),
    );
    if (!install) continue;
    out.push({
      rule: 'copy-before-install',
      severity: 'warning',
      file: model.file,
      line: wholeCopy.line,
      message: `${wholeCopy.text} copies the whole context before the dependency install on line ${install.line}, so any source change reinstalls every dependency`,
      fix: 'copy only the dependency manifests first (e.g. COPY requirements.txt . or COPY package*.json .), run the install, then copy the rest',
    });
  }
  return out;
};

/** A base image without a tag, or `latest`: builds change under you. */
const unpinnedBase: DockerfileRule = ({ model, devloopRepositories }) =>
  model.stages.flatMap((stage) => {
    const from = stage.instructions[0];
    const image = stage.baseImage;
    if (!from || stage.baseStage !== undefined || image === 'scratch' || image.includes('@')) return [];
    if (devloopRepositories.has(repositoryOf(image))) return [];
    const tag = image === repositoryOf(image) ? undefined : image.slice(repositoryOf(image).length + 1);
    if (tag !== undefined && tag !== 'latest') return [];
    return [
      {
        rule: 'unpinned-base' as const,
        severity: 'warning' as const,
        file: model.file,
        line: from.line,
        message: `base image ${image} ${tag ? 'uses the moving tag latest' : 'has no tag (it means latest)'}, so the build changes when the image is republished`,
        fix: `pin a version, e.g. ${repositoryOf(image)}:<version> (or a digest @sha256:…)`,
      },
    ];
  });

/** CMD/ENTRYPOINT in shell form: the process runs under /bin/sh and never gets SIGTERM. */
const shellFormCmd: DockerfileRule = ({ model }) =>
  model.instructions
    .filter((i) => (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && i.form === 'shell')
    .map((i) => ({
      rule: 'shell-form-cmd' as const,
      severity: 'warning' as const,
      file: model.file,
      line: i.line,
      message: `${i.keyword} in shell form runs under /bin/sh -c, which does not forward SIGTERM: pods take the full grace period to stop`,
      fix: `use the exec form: ${i.keyword} ${JSON.stringify(i.args.join(' ').split(/\s+/).filter(Boolean))}`,
    }));

/** The final stage runs as root. */
const rootUser: DockerfileRule = ({ model, target }) => {
  const final = targetStage(model, target);
  if (!final) return [];
  let stage: Stage | undefined = final;
  while (stage) {
    const users = stage.instructions.filter((i) => i.keyword === 'USER');
    const last = users.at(-1);
    if (last) {
      const user = (last.args[0] ?? '').split(':')[0];
      if (user !== 'root' && user !== '0') return [];
      return [rootFinding(model, last.line, `the final stage switches to ${user} (USER on line ${last.line})`)];
    }
    stage = stage.baseStage === undefined ? undefined : model.stages[stage.baseStage];
  }
  return [rootFinding(model, final.instructions[0]?.line, 'the final stage sets no USER, so the container runs as root')];
};

function rootFinding(model: DockerfileModel, line: number | undefined, message: string): LintFinding {
  return {
    rule: 'root-user',
    severity: 'warning',
    file: model.file,
    line,
    message,
    fix: 'create an unprivileged user and switch to it at the end, e.g. RUN useradd -r app (adduser -S app on Alpine/busybox) then USER app',
  };
}

/** `apt-get update` in its own RUN: the cached index goes stale and later installs fail or install old versions. */
const aptUpdateAlone: DockerfileRule = ({ model }) =>
  model.instructions
    .filter((i) => i.keyword === 'RUN')
    .filter((i) => {
      const text = i.args.join(' ');
      return /\bapt(-get)? +update\b/.test(text) && !/\bapt(-get)? +(-\S+ +)*install\b/.test(text);
    })
    .map((i) => ({
      rule: 'apt-update-alone' as const,
      severity: 'warning' as const,
      file: model.file,
      line: i.line,
      message: 'apt-get update runs in a RUN of its own: its layer is cached, so a later apt-get install uses a stale package index',
      fix: 'update and install in the same RUN: RUN apt-get update && apt-get install -y --no-install-recommends <packages> && rm -rf /var/lib/apt/lists/*',
    }));

/** ADD of plain local files: COPY says what happens, ADD also extracts archives and fetches URLs. */
const addLocalFiles: DockerfileRule = ({ model }) =>
  model.instructions
    .filter((i) => i.keyword === 'ADD' && i.copy?.from.kind === 'context' && !i.copy.inline)
    .filter((i) =>
      (i.copy?.sources ?? []).some((s) => !isRemoteSource(s) && !/\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i.test(s)),
    )
    .map((i) => ({
      rule: 'add-local-files' as const,
      severity: 'info' as const,
      file: model.file,
      line: i.line,
      message: 'ADD copies local files here; it would also unpack archives and fetch URLs, which nobody reading it expects',
      fix: `use COPY: ${i.text.replace(/^ADD/, 'COPY')}`,
    }));

/** Every Dockerfile rule, in report order. */
export const dockerfileRules: readonly DockerfileRule[] = [
  copyBeforeInstall,
  unpinnedBase,
  shellFormCmd,
  rootUser,
  aptUpdateAlone,
  addLocalFiles,
  secretArgs,
];
