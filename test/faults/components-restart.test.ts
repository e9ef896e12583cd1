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
 * and come back: a problem with a clear reason while one is down, no crash,
 * and the pod watches and log streams carry on by themselves with every line
 * once. Needs `scripts/test-env stop|start` (root); waits for benchmarks first.
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

  it('the registry stops: delivery fails with registry-unreachable, pods keep serving; back up, the next edit goes through', async () => {
    const before = await fetchText(url());
    testEnv('stop', 'registry');
    stopped.add('registry');
    const since = loop.actions.length;
    edit('while the registry is down');
    const failed = await eventually(
      'delivery-failed',
      after(since, (a) => a.type === 'delivery-failed'),
      60_000,
    );
    if (failed.type !== 'delivery-failed') throw new Error('unexpected');
    expect(failed.problem.reason).toBe('registry-unreachable');
    expect(loop.store.getState().resources.hello?.problem?.reason).toBe('registry-unreachable');
    expect(await fetchText(url())).toBe(before);

    testEnv('start', 'registry');
    stopped.delete('registry');
    const back = Date.now();
    const text = edit('registry back');
    await eventually('the page after the registry is back', serves(text), 90_000);
    recordRecovery('registry restart: back up → next edit served', Date.now() - back);
  });

  it('the API server restarts: an edit meanwhile fails with kube-unreachable; afterwards watches and log streams carry on', async () => {
    const linesBefore = ticks().length;
    testEnv('stop', 'kube-apiserver');
    stopped.add('kube-apiserver');
    const down = Date.now();
    const since = loop.actions.length;
    edit('while the apiserver is down');
    const failed = await eventually(
      'resource-failed',
      after(since, (a) => a.type === 'resource-failed'),
      90_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; actions:\n${story(since)}`);
    });
    if (failed.type !== 'resource-failed') throw new Error('unexpected');
    expect(failed.problem.reason).toBe('kube-unreachable');

    testEnv('start', 'kube-apiserver');
    stopped.delete('kube-apiserver');
    const back = Date.now();
    // The log stream picks up again without anyone touching devloop.
    const count = ticks().length;
    await eventually('new tick lines', () => (ticks().length > count + 5 ? true : undefined), 60_000);
    recordRecovery('apiserver restart: back up → log lines flowing', Date.now() - back);
    expect(ticks().length).toBeGreaterThan(linesBefore);
    const text = edit('apiserver back');
    await eventually('the page after the apiserver is back', serves(text), 120_000);
    recordRecovery('apiserver restart: down → next edit served', Date.now() - down);
  });

  it('dockerd restarts: a build meanwhile fails with docker-unavailable; back up, the next edit builds', async () => {
    testEnv('stop', 'dockerd');
    stopped.add('dockerd');
    const since = loop.actions.length;
    edit('while docker is down');
    const failed = await eventually(
      'build-failed',
      after(since, (a) => a.type === 'build-failed'),
      60_000,
    );
    if (failed.type !== 'build-failed') throw new Error('unexpected');
    expect(failed.problem.reason).toBe('docker-unavailable');
    expect(await fetchText(url())).toBeDefined();

    testEnv('start', 'dockerd');
    stopped.delete('dockerd');
    const back = Date.now();
    const text = edit('docker back');
    await eventually('the page after docker is back', serves(text), 120_000);
    recordRecovery('dockerd restart: back up → next edit served', Date.now() - back);
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
