import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Action } from '../../src/engine/actions.ts';
import { type E2eProject, e2eProject, eventually, fetchText } from '../support/e2e-project.ts';
import { describeWithCluster } from '../support/environment.ts';
import { type RunningLoop, recordRecovery, startLoop, testEnvScript, waitForBenchmarks } from './fault-support.ts';

type Component = 'registry' | 'dockerd' | 'kube-apiserver';
const testEnv = (verb: 'stop' | 'start', component: Component) =>
  execFileSync(testEnvScript, [verb, component], { encoding: 'utf8', stdio: 'pipe', timeout: 120_000 });

/**
 * The registry, the API server and dockerd go away under a running devloop
 * and come back: a problem with a clear reason while one is down, the work
 * held for it, no crash; once it is back the page saved meanwhile is served
 * with no further edit, and the pod watches and log streams carry on by
 * themselves with every line once. Needs `scripts/test-env stop|start` (root); waits for benchmarks first.
 */
describeWithCluster('components restart under a running devloop', (env) => {
  let project: E2eProject;
  let loop: RunningLoop;
  const stopped = new Set<Component>();
  const url = () => `http://127.0.0.1:${project.port}/`;
  const after = (since: number, check: (a: Action) => boolean) => () => loop.actions.slice(since).find(check);
  /** The actions since `since`, short, for a failure message. */
  const story = (since: number) =>
    loop.actions
      .slice(since)
      .filter((a) => a.type !== 'build-output')
      .map((a) => JSON.stringify(a).slice(0, 240))
      .join('\n');
  const serves = (text: string) => async () => ((await fetchText(url()))?.includes(text) ? true : undefined);
  const edit = (label: string) => {
    const nonce = `${label} ${Math.random().toString(36).slice(2)}`;
    project.write('app/site/index.html', `<h1>${nonce}</h1>\n`);
    return nonce;
  };
  /** Waits until work is held for `reason`, then returns the hold as the engine state has it. */
  const held = async (since: number, reason: string) => {
    await eventually(
      `work-held ${reason}`,
      after(since, (a) => a.type === 'work-held' && a.hold.reason === reason),
      60_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; actions:\n${story(since)}`);
    });
    return loop.store.getState().hold;
  };
  /**
   * With no further edit, the page saved while a component was down is served
   * once it is back. Records (and returns) how long after `back` (the
   * component answering) devloop resumed the held work, and how long until
   * the page was served (which adds the cluster's own part: a build for
   * dockerd, the controllers catching up for the API server).
   */
  const heldEditServed = async (label: string, text: string, back: number, since: number) => {
    await eventually('the page saved while it was down, with no further edit', serves(text), 60_000).catch((e: Error) => {
      throw new Error(`${e.message}; actions:\n${story(since)}`);
    });
    const servedMs = recordRecovery(`${label}: back up → page saved while down served, no edit`, Date.now() - back);
    const resumed = after(since, (a) => a.type === 'work-resumed' && a.because === 'component-answered')();
    if (resumed?.type !== 'work-resumed') throw new Error(`no work-resumed; actions:\n${story(since)}`);
    const resumedMs = recordRecovery(`${label}: back up → held work resumed`, resumed.at - back);
    return { servedMs, resumedMs };
  };
  const ticks = () =>
    loop.logs
      .tail({ resource: 'hello', limit: 100_000 })
      .map((l) => ({ pod: l.pod, n: Number(/^tick (\d+)$/.exec(l.text)?.[1]) }))
      .filter((t) => !Number.isNaN(t.n));

  beforeAll(async () => {
    if (!env.k3dBinDir) return; // only our own test environment can be restarted
    await waitForBenchmarks();
    project = e2eProject(env);
    // A container that logs a numbered line every 200 ms besides serving.
    const dockerfile = readFileSync(path.join(project.dir, 'app/Dockerfile'), 'utf8').replace(
      /^CMD .*$/m,
      'CMD ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done & exec httpd -f -v -p 8080 -h /srv -c /etc/httpd.conf"]',
    );
    project.write('app/Dockerfile', dockerfile);
    edit('start');
    loop = await startLoop(project);
    expect(loop.started).toBe(true);
    await eventually('the first page', () => fetchText(url()), 30_000);
    await eventually('tick lines', () => (ticks().length > 5 ? true : undefined), 30_000);
  });

  afterAll(async () => {
    for (const c of stopped) testEnv('start', c);
    await loop?.stop();
    project?.remove();
  });

  it('the registry stops: delivery fails with registry-unreachable, pods keep serving; back up, the page saved meanwhile is served with no further edit', async () => {
    const before = await fetchText(url());
    testEnv('stop', 'registry');
    stopped.add('registry');
    const since = loop.actions.length;
    const text = edit('while the registry is down');
    const failed = await eventually(
      'delivery-failed',
      after(since, (a) => a.type === 'delivery-failed'),
      60_000,
    );
    if (failed.type !== 'delivery-failed') throw new Error('unexpected');
    expect(failed.problem.reason).toBe('registry-unreachable');
    expect(loop.store.getState().resources.hello?.problem?.reason).toBe('registry-unreachable');
    expect(await held(since, 'waiting-for-registry')).toMatchObject({ component: 'registry', resources: ['hello'] });
    expect(loop.store.getState().resources.hello?.waiting).toEqual({
      kind: 'component',
      reason: 'waiting-for-registry',
      component: 'registry',
    });
    expect(await fetchText(url())).toBe(before);

    testEnv('start', 'registry');
    stopped.delete('registry');
    const back = Date.now();
    const { servedMs, resumedMs } = await heldEditServed('registry restart', text, back, since);
    expect(resumedMs).toBeLessThan(1500);
    expect(servedMs).toBeLessThan(3000);
  });

  it('the API server restarts: an edit meanwhile fails with kube-unreachable; afterwards watches and log streams carry on and the edit is served', async () => {
    const linesBefore = ticks().length;
    testEnv('stop', 'kube-apiserver');
    stopped.add('kube-apiserver');
    const since = loop.actions.length;
    const text = edit('while the apiserver is down');
    const failed = await eventually(
      'resource-failed',
      after(since, (a) => a.type === 'resource-failed'),
      90_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; actions:\n${story(since)}`);
    });
    if (failed.type !== 'resource-failed') throw new Error('unexpected');
    expect(failed.problem.reason).toBe('kube-unreachable');
    expect(await held(since, 'waiting-for-kube-api')).toMatchObject({ component: 'kube-api' });

    testEnv('start', 'kube-apiserver');
    stopped.delete('kube-apiserver');
    const back = Date.now();
    // The log stream picks up again and the held edit is served, without anyone touching devloop.
    const count = ticks().length;
    const flowing = eventually('new tick lines', () => (ticks().length > count + 5 ? true : undefined), 60_000).then(() =>
      recordRecovery('apiserver restart: back up → log lines flowing', Date.now() - back),
    );
    const served = heldEditServed('apiserver restart', text, back, since);
    const [, { resumedMs }] = await Promise.all([flowing, served]);
    expect(ticks().length).toBeGreaterThan(linesBefore);
    expect(resumedMs).toBeLessThan(1500);
  });

  it('dockerd restarts: a build meanwhile fails with docker-unavailable; back up, the page saved meanwhile builds with no further edit', async () => {
    testEnv('stop', 'dockerd');
    stopped.add('dockerd');
    const since = loop.actions.length;
    const text = edit('while docker is down');
    const failed = await eventually(
      'build-failed',
      after(since, (a) => a.type === 'build-failed'),
      60_000,
    );
    if (failed.type !== 'build-failed') throw new Error('unexpected');
    expect(failed.problem.reason).toBe('docker-unavailable');
    expect(await held(since, 'waiting-for-docker')).toMatchObject({ component: 'docker' });
    expect(await fetchText(url())).toBeDefined();

    testEnv('start', 'dockerd');
    stopped.delete('dockerd');
    const back = Date.now();
    // The held edit still has to be built and pushed once the engine answers.
    const { resumedMs } = await heldEditServed('dockerd restart', text, back, since);
    expect(resumedMs).toBeLessThan(1500);
  });

  it('every pod’s log lines arrived once each and without gaps', () => {
    const byPod = new Map<string, number[]>();
    for (const t of ticks()) byPod.set(t.pod, [...(byPod.get(t.pod) ?? []), t.n]);
    expect(byPod.size).toBeGreaterThan(1);
    for (const [pod, numbers] of byPod) {
      const first = numbers[0] ?? 0;
      expect(
        numbers.map((n, i) => n - i),
        `log of ${pod}`,
      ).toEqual(numbers.map(() => first));
    }
  });
});
