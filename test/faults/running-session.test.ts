import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Action } from '../../src/engine/actions.ts';
import { type E2eProject, e2eProject, eventually, fetchText } from '../support/e2e-project.ts';
import { describeWithCluster } from '../support/environment.ts';
import { deployedImage, podNames, type RunningLoop, recordRecovery, startLoop } from './fault-support.ts';

/**
 * Faults and bad input while `devloop up` runs, on one session: each case
 * leaves the running pods alone, says what is wrong, and the next good edit
 * recovers without restarting devloop.
 */
describeWithCluster('faults while devloop up runs', (env) => {
  let project: E2eProject;
  let loop: RunningLoop;
  let dockerfile: string;
  const url = () => `http://127.0.0.1:${project.port}/`;
  const after = (since: number, check: (a: Action) => boolean) => () => loop.actions.slice(since).find(check);
  const serves = (text: string) => async () => ((await fetchText(url()))?.includes(text) ? true : undefined);
  const ready = () => (loop.store.getState().resources.hello?.phase === 'ready' ? true : undefined);

  beforeAll(async () => {
    project = e2eProject(env);
    // The app's "compile" step: a syntax check of its CGI scripts.
    dockerfile = readFileSync(path.join(project.dir, 'app/Dockerfile'), 'utf8').replace(
      'COPY site/ /srv/\n',
      'COPY site/ /srv/\nRUN sh -n /srv/cgi-bin/version && echo syntax ok\n',
    );
    project.write('app/Dockerfile', dockerfile);
    project.write('app/site/index.html', `<h1>first ${Math.random()}</h1>\n`);
    loop = await startLoop(project);
    expect(loop.failures).toEqual([]);
    expect(loop.started).toBe(true);
    await eventually('the first page', () => fetchText(url()), 30_000);
  });

  afterAll(async () => {
    await loop?.stop();
    project?.remove();
  });

  it('a build that fails (syntax error in the app) shows the failing step; the pods keep serving; the fix recovers', async () => {
    const before = await fetchText(url());
    const image = deployedImage(project);
    const since = loop.actions.length;
    project.write('app/site/cgi-bin/version', '#!/bin/sh\nif then fi (\n');
    const failed = await eventually(
      'build-failed',
      after(since, (a) => a.type === 'build-failed'),
      60_000,
    );
    if (failed.type !== 'build-failed') throw new Error('unexpected');
    expect(failed.problem.reason).toBe('build-failed');
    expect(failed.problem.message).toMatch(/step \d+ RUN sh -n \/srv\/cgi-bin\/version/);
    expect(failed.problem.details?.join('\n')).toMatch(/syntax error/i);
    expect(loop.store.getState().resources.hello?.problem?.reason).toBe('build-failed');
    expect(await fetchText(url())).toBe(before);
    expect(deployedImage(project)).toBe(image);

    const nonce = Math.random().toString(36).slice(2);
    const fixed = Date.now();
    project.write(
      'app/site/cgi-bin/version',
      readFileSync(path.join(import.meta.dirname, '../../examples/hello/app/site/cgi-bin/version'), 'utf8'),
    );
    project.write('app/site/index.html', `<h1>fixed ${nonce}</h1>\n`);
    await eventually('the fixed page', serves(`fixed ${nonce}`), 90_000);
    const ms = recordRecovery('build-failure: fix saved → new page served', Date.now() - fixed);
    expect(ms).toBeLessThan(60_000);
    expect(loop.actions.some((a) => a.type === 'engine-stopping')).toBe(false);
  });

  it('a Dockerfile with an unknown instruction while running: file:line, pods untouched, the fix recovers', async () => {
    // The last case's rollout may still be scaling the old pod down (its page is served by the new one already).
    await eventually('one pod left after the last rollout', () => (podNames(project).length === 1 ? true : undefined), 60_000);
    const image = deployedImage(project);
    const pods = podNames(project);
    const since = loop.actions.length;
    project.write('app/Dockerfile', dockerfile.replace('WORKDIR /srv', 'WROKDIR /srv'));
    try {
      const failed = await eventually(
        'plan-failed',
        after(since, (a) => a.type === 'plan-failed'),
        30_000,
      );
      if (failed.type !== 'plan-failed') throw new Error('unexpected');
      expect(failed.problem.reason).toBe('dockerfile-invalid');
      expect(failed.problem.details?.join('\n')).toMatch(/Dockerfile:3: unknown instruction: WROKDIR/);
      expect(deployedImage(project)).toBe(image);
      expect(podNames(project)).toEqual(pods);
    } finally {
      // Fixed even when a check above failed, so the cases after this one start from a working project.
      project.write('app/Dockerfile', dockerfile);
    }
    const fixed = Date.now();
    await eventually('ready again', ready, 60_000);
    await eventually('the page', () => fetchText(url()), 30_000);
    recordRecovery('dockerfile-unknown-instruction: fix saved → ready', Date.now() - fixed);
  });

  it('a manifest that is not valid YAML, then not valid Kubernetes: a clear problem, pods untouched, the fix reloads', async () => {
    const good = readFileSync(path.join(project.dir, 'k8s/hello.yaml'), 'utf8');
    const image = deployedImage(project);
    const pods = podNames(project);
    let since = loop.actions.length;
    project.write('k8s/hello.yaml', good.replace('  replicas: 1\n', '  replicas: 1\n  strategy: [unclosed: {\n'));
    const yaml = await eventually(
      'config-invalid (yaml)',
      after(since, (a) => a.type === 'config-invalid'),
      30_000,
    );
    expect(JSON.stringify(yaml)).toMatch(/manifest-invalid-yaml/);
    expect(JSON.stringify(yaml)).toMatch(/k8s\/hello\.yaml/);
    if (yaml.type === 'config-invalid') expect(yaml.diagnostics[0]?.line).toBeGreaterThan(1);

    since = loop.actions.length;
    project.write('k8s/hello.yaml', good.replace('kind: Deployment\n', ''));
    const kube = await eventually(
      'config-invalid (kind)',
      after(since, (a) => a.type === 'config-invalid'),
      30_000,
    );
    expect(JSON.stringify(kube)).toMatch(/has no kind/);
    expect(loop.store.getState().configProblems.length).toBeGreaterThan(0);
    expect(deployedImage(project)).toBe(image);
    expect(podNames(project)).toEqual(pods);
    expect(await fetchText(url())).toBeDefined();

    since = loop.actions.length;
    const fixed = Date.now();
    project.write('k8s/hello.yaml', good);
    await eventually(
      'config-reloaded',
      after(since, (a) => a.type === 'config-reloaded'),
      30_000,
    );
    await eventually(
      'ready after the reload',
      after(since, (a) => a.type === 'resource-ready'),
      60_000,
    );
    expect(loop.store.getState().configProblems).toEqual([]);
    recordRecovery('manifest-invalid: fix saved → ready', Date.now() - fixed);
  });

  it('a pod deleted by hand is reported, and ready again once the Deployment replaced it', async () => {
    await eventually('ready', ready, 60_000);
    const [victim] = podNames(project);
    if (!victim) throw new Error('no pod');
    const since = loop.actions.length;
    const deleted = Date.now();
    project.kubectl(['-n', project.namespace, 'delete', 'pod', victim, '--wait=false']);
    const seen = await eventually(
      'the deletion reported',
      after(since, (a) => a.type === 'rollout-progress' && a.progress.message.includes(`pod ${victim} was deleted outside devloop`)),
      30_000,
    );
    expect(seen).toBeDefined();
    await eventually(
      'ready again',
      after(since, (a) => a.type === 'resource-ready' && a.unchanged),
      60_000,
    );
    await eventually('the page through the forward', () => fetchText(url()), 30_000);
    recordRecovery('pod-deleted: delete → ready and served again', Date.now() - deleted);
    expect(podNames(project)).not.toContain(victim);
  });

  it('an image set by hand (kubectl set image) is reported; the next change deploys devloop’s image again', async () => {
    await eventually('ready', ready, 60_000);
    const mine = deployedImage(project);
    const since = loop.actions.length;
    project.kubectl(['-n', project.namespace, 'set', 'image', 'deployment/hello', 'web=busybox:1.36']);
    const drift = await eventually(
      'image-changed-outside-devloop',
      after(since, (a) => a.type === 'resource-failed' && a.problem.reason === 'image-changed-outside-devloop'),
      30_000,
    );
    expect(JSON.stringify(drift)).toContain('busybox:1.36');
    expect(loop.store.getState().resources.hello?.problem?.reason).toBe('image-changed-outside-devloop');

    const nonce = Math.random().toString(36).slice(2);
    const edited = Date.now();
    project.write('app/site/index.html', `<h1>after drift ${nonce}</h1>\n`);
    await eventually('devloop’s image back', () => (deployedImage(project).includes('hello-web:devloop-') ? true : undefined), 60_000);
    await eventually('the new page', serves(`after drift ${nonce}`), 90_000);
    expect(deployedImage(project)).not.toBe(mine);
    recordRecovery('image-set-by-hand: next edit → devloop image served', Date.now() - edited);
  });

  it('log lines were kept once each, in order, across all of the above', () => {
    // The pods' lines: a build's output (also in the pane) may repeat a line within a millisecond.
    const lines = loop.logs.tail({ resource: 'hello', limit: 100_000 }).filter((l) => l.source !== 'build');
    expect(lines.length).toBeGreaterThan(0);
    const keys = lines.map((l) => `${l.pod}/${l.container}/${l.timestamp}/${l.text}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
