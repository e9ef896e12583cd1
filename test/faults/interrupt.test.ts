import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { type E2eProject, e2eProject, eventually } from '../support/e2e-project.ts';
import { describeWithCluster } from '../support/environment.ts';
import { devloopBin, recordRecovery } from './fault-support.ts';

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly args: string;
}

function processes(): Proc[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] ?? '' }));
}

/** Every process whose parent chain leads to `root`. */
function descendants(root: number, all = processes()): Proc[] {
  const out: Proc[] = [];
  let frontier = [root];
  while (frontier.length) {
    const children = all.filter((p) => frontier.includes(p.ppid));
    out.push(...children);
    frontier = children.map((c) => c.pid);
  }
  return out;
}

/**
 * Ctrl-C during a build, during a push, during local commands and while work
 * waits for a registry that does not answer: exit within 2 s, no child left; after a build or a
 * push the next run works.
 */
describeWithCluster('Ctrl-C while devloop works', (env) => {
  let project: E2eProject | undefined;
  let child: ResultPromise | undefined;
  let exited = false;
  afterEach(() => {
    if (child && !exited) child.kill('SIGKILL');
    exited = false;
    project?.remove();
  });

  const up = (p: E2eProject) =>
    execa(process.execPath, [devloopBin, 'up', '--output', 'plain'], {
      cwd: p.dir,
      env: p.env,
      reject: false,
      detached: true, // its own process group, as a terminal's foreground job
      all: true,
      buffer: true,
    });

  const interruptWhen = async (what: string, child: ResultPromise, match: (procs: Proc[]) => boolean) => {
    const pid = child.pid as number;
    const seen = await eventually(
      what,
      () => {
        const procs = descendants(pid);
        return match(procs) ? procs : undefined;
      },
      90_000,
    );
    const sent = Date.now();
    process.kill(pid, 'SIGINT');
    const result = await child;
    const tookMs = Date.now() - sent;
    exited = true;
    return { seen, result, tookMs };
  };

  const assertNothingLeft = async (p: E2eProject, pid: number, seen: Proc[]) => {
    // Nothing whose parent chain leads to devloop, and none of the processes it had started.
    expect(descendants(pid)).toEqual([]);
    const alive = new Set(processes().map((q) => q.pid));
    expect(seen.filter((s) => alive.has(s.pid) && processes().find((q) => q.pid === s.pid)?.args === s.args)).toEqual([]);
    expect(processes().filter((q) => q.args.includes(p.dir) && /docker(-buildx| buildx)? (build|push)\b/.test(q.args))).toEqual([]);
  };

  const nextRunWorks = async (p: E2eProject) => {
    const started = Date.now();
    const ci = await execa(process.execPath, [devloopBin, 'ci', '--output', 'plain', '--timeout', '120s'], {
      cwd: p.dir,
      env: p.env,
      reject: false,
      all: true,
    });
    expect(ci.exitCode, ci.all).toBe(0);
    return Date.now() - started;
  };

  it('during a build (RUN sleep 30)', async () => {
    project = e2eProject(env);
    const dockerfile = readFileSync(path.join(project.dir, 'app/Dockerfile'), 'utf8');
    const nonce = Math.random().toString(36).slice(2);
    // A command after the sleep keeps the shell (and the nonce in its arguments) alive while it sleeps.
    project.write(
      'app/Dockerfile',
      dockerfile.replace('COPY site/ /srv/\n', `COPY site/ /srv/\nRUN echo ${nonce} && sleep 30 && echo ${nonce}\n`),
    );
    child = up(project);
    const pid = child.pid as number;
    const runStep = () => processes().some((q) => q.args.includes(`echo ${nonce} && sleep 30`));
    const { seen, result, tookMs } = await interruptWhen(
      'the build running',
      child,
      (procs) =>
        // `docker build`, `docker buildx build`, the buildx plugin devloop runs directly (`…/docker-buildx build`),
        // or no process of devloop's at all: the engine's own BuildKit runs the RUN step.
        procs.some((q) => /docker(-buildx| buildx)? build\b/.test(q.args)) || runStep(),
    );
    expect(result.all).toMatch(/build started/);
    expect(tookMs).toBeLessThan(2000);
    expect(result.exitCode).toBe(130);
    recordRecovery('ctrl-c during build: SIGINT → exit', tookMs);
    await assertNothingLeft(project, pid, seen);
    // The build's RUN step and container go too (dockerd cancels a build whose client left).
    await eventually('no RUN step left', () => (runStep() ? undefined : true), 30_000);
    await eventually(
      'no build container left',
      () => (execFileSync('docker', ['ps', '--format', '{{.Command}}'], { encoding: 'utf8' }).includes(nonce) ? undefined : true),
      30_000,
    );
    project.write('app/Dockerfile', dockerfile);
    recordRecovery('ctrl-c during build: next run (ci) to ready', await nextRunWorks(project));
  });

  it('during a push (a large layer)', async () => {
    project = e2eProject(env);
    const dockerfile = readFileSync(path.join(project.dir, 'app/Dockerfile'), 'utf8');
    const nonce = Math.random().toString(36).slice(2);
    project.write(
      'app/Dockerfile',
      dockerfile.replace('COPY site/ /srv/\n', `COPY site/ /srv/\nRUN echo ${nonce} > /nonce && head -c 300000000 /dev/urandom > /blob\n`),
    );
    child = up(project);
    const pid = child.pid as number;
    const { seen, result, tookMs } = await interruptWhen('docker push running', child, (procs) =>
      procs.some((q) => /docker push/.test(q.args)),
    );
    expect(seen.some((q) => /docker push/.test(q.args))).toBe(true);
    expect(tookMs).toBeLessThan(2000);
    expect(result.exitCode).toBe(130);
    recordRecovery('ctrl-c during push: SIGINT → exit', tookMs);
    await assertNothingLeft(project, pid, seen);
    recordRecovery('ctrl-c during push: next run (ci) to ready', await nextRunWorks(project));
  });

  it('while a local command runs and a serve one keeps a child of its own', async () => {
    project = e2eProject(env);
    const nonce = Math.random().toString(36).slice(2);
    const config = JSON.parse(readFileSync(path.join(project.dir, 'devloop.config.json'), 'utf8')) as Record<string, unknown>;
    config.local = {
      gen: { command: ['sh', '-c', `echo gen ${nonce}; sleep 31`] },
      web: { command: ['sh', '-c', `sleep 301 & echo web ${nonce}; wait`], serve: true },
    };
    project.write('devloop.config.json', JSON.stringify(config));
    child = up(project);
    const pid = child.pid as number;
    const { seen, result, tookMs } = await interruptWhen('both commands running', child, (procs) =>
      ['sleep 31', 'sleep 301'].every((command) => procs.some((q) => q.args === command)),
    );
    expect(result.all).toMatch(/\[gen\] running sh -c/);
    expect(tookMs).toBeLessThan(2000);
    expect(result.exitCode).toBe(130);
    recordRecovery('ctrl-c during a local command: SIGINT → exit', tookMs);
    await assertNothingLeft(project, pid, seen);
    expect(processes().filter((q) => q.args.includes(nonce) || q.args === 'sleep 31' || q.args === 'sleep 301')).toEqual([]);
  });

  it('while work waits for a registry that does not answer', async () => {
    // A registry nothing listens on: the delivery fails and the work is held while devloop probes it.
    project = e2eProject(env, { delivery: 'registry' });
    const config = JSON.parse(readFileSync(path.join(project.dir, 'devloop.config.json'), 'utf8')) as { cluster: Record<string, unknown> };
    config.cluster.k3d = { registry: '127.0.0.1:9' };
    project.write('devloop.config.json', JSON.stringify(config));
    child = up(project);
    const pid = child.pid as number;
    let output = '';
    child.all?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await eventually('the hold line', () => (output.includes('waiting-for-registry') ? true : undefined), 90_000);
    const { seen, result, tookMs } = await interruptWhen('devloop up running', child, () => true);
    expect(result.all).toMatch(/waiting-for-registry: registry-unreachable; hello will run again when the registry answers/);
    expect(tookMs).toBeLessThan(2000);
    expect(result.exitCode).toBe(130);
    recordRecovery('ctrl-c while waiting for the registry: SIGINT → exit', tookMs);
    await assertNothingLeft(project, pid, seen);
  });
});
