import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { first, isAction, LoopHarness } from '../support/loop-harness.ts';
import { type BenchProject, createProject } from '../support/project.ts';
import { SampleTable, type Scenario } from '../support/report.ts';
import { openEnvironment, type TestEnvironment } from '../support/test-env.ts';

/** examples/hello with /srv and the pages owned by the user the container runs as, so files can be synced into it. */
const dockerfile = `FROM busybox:1.36
WORKDIR /srv
RUN chown 10001:10001 /srv
COPY httpd.conf /etc/httpd.conf
COPY --chown=10001:10001 site/ /srv/
USER 10001:10001
EXPOSE 8080
CMD ["httpd", "-f", "-v", "-p", "8080", "-h", "/srv", "-c", "/etc/httpd.conf"]
`;

/**
 * Edit → new page served for a file live update copies into the running
 * container (examples/hello, `sync: [{ from: 'site', to: '/srv' }]`): the
 * page is written, then fetched through the port forward until it shows the
 * edit. With TILT_BIN set, Tilt runs the same app with
 * `live_update=[sync('app/site', '/srv')]` and is measured the same way.
 */
export const liveUpdate: Scenario = {
  name: 'live-update',
  title: 'Edit → served for a synced file of examples/hello (live update), devloop and, with TILT_BIN, Tilt',
  defaultIterations: 10,
  needsCluster: true,
  async run(ctx) {
    const env = await openEnvironment({ log: ctx.log });
    const table = new SampleTable();
    const facts: Record<string, string | number | boolean> = { 'load average at start (1 min)': Number(loadavg()[0]?.toFixed(1)) };
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const project = await createProject(env, {
      name: 'live',
      files: { 'app/Dockerfile': dockerfile },
      config: {
        images: { 'hello-web': { context: 'app', sync: [{ from: 'site', to: '/srv' }] } },
        resources: { hello: { containers: { web: 'hello-web' }, portForwards: [`${port}:8080`] } },
      },
    });
    let harness: LoopHarness | undefined;
    try {
      ctx.log('first deploy…');
      harness = await LoopHarness.start(project);
      facts.debounceMs = harness.config.watch.debounceMs;
      await servedWithin(port, 'hello from devloop', 30_000);
      let builds = 0;
      for (let i = 0; i < ctx.iterations; i++) {
        await harness.settle(300);
        const mark = harness.mark();
        const text = `devloop edit ${i} ${Date.now()}`;
        const inPod = await watchServed(env, project, text);
        const writeAt = Date.now();
        project.write('app/site/index.html', `<!doctype html>\n<h1>${text}</h1>\n`);
        const servedAt = await inPod.served;
        const served = await servedWithin(port, text, 30_000);
        await harness.waitFor(mark, isAction('iteration-completed'), { timeoutMs: 30_000 });
        const actions = harness.since(mark);
        builds += actions.filter((a) => a.type === 'build-started').length;
        const detected = first(actions, 'changes-detected');
        const plan = first(actions, 'plan-completed');
        const synced = first(actions, 'sync-completed');
        table.add('devloop: edit → served', 'ms', servedAt - writeAt, { target: 200 });
        table.add('  through the port forward (a GET each time)', 'ms', served.at - writeAt);
        table.add('  edit → synced (sync-completed)', 'ms', synced && synced.at - writeAt);
        table.add('  detect (write → batch, incl. debounce)', 'ms', detected && detected.at - writeAt);
        table.add('  plan', 'ms', plan && plan.at - plan.startedAt);
        table.add('  sync (tar over exec, all pods)', 'ms', synced?.durationMs);
        ctx.log(`  ${i + 1}/${ctx.iterations}: served after ${servedAt - writeAt} ms${synced ? '' : ' (not synced!)'}`);
      }
      facts['devloop builds during the edits'] = builds;
    } finally {
      await harness?.stop();
      await project.remove();
    }
    const tilt = process.env.TILT_BIN;
    if (tilt) await measureTilt({ tilt, env, table, facts, iterations: ctx.iterations, log: ctx.log });
    else facts.tilt = 'not measured (set TILT_BIN to a tilt binary)';
    return {
      metrics: table.metrics(),
      facts,
      notes: [
        'served = a wget loop inside the pod (every 10 ms) sees the edit; its line reaches the bench through kubectl exec, a few ms late at most.',
        'through the port forward = the end of the first GET from the host (each GET is a new port-forward stream, ~50-70 ms here) that shows the edit.',
        'debounce = watch.debounceMs (default 80 ms) of quiet after the write before the batch is acted on.',
      ],
    };
  },
};

/**
 * Polls the page from inside the pod (busybox wget every 10 ms, for at most
 * 30 s) and resolves with the moment its "served" line reaches the bench: no
 * port-forward connection per probe, and no load on devloop's process. The
 * returned promise resolves once the poll runs (and has not yet seen `text`).
 */
async function watchServed(env: TestEnvironment, project: BenchProject, text: string): Promise<{ served: Promise<number> }> {
  const script =
    'echo polling; i=0; while [ $i -lt 3000 ]; do wget -qO- http://127.0.0.1:8080/ 2>/dev/null | grep -qF "$1" && echo served && exit 0; usleep 10000; i=$((i+1)); done; exit 1';
  const child = spawn(
    'kubectl',
    ['--context', env.context, '-n', project.namespace, 'exec', 'deploy/hello', '--', 'sh', '-c', script, 'sh', text],
    {
      env: project.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let polling: () => void = () => undefined;
  const running = new Promise<void>((resolve) => {
    polling = resolve;
  });
  const served = new Promise<number>((resolve, reject) => {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (chunk.includes('polling')) polling();
      if (chunk.includes('served')) resolve(Date.now());
    });
    child.on('exit', (code) => reject(new Error(`"${text}" was not served in the pod (poll exited ${code})`)));
  });
  served.catch(() => polling());
  await running;
  return { served };
}

/** Fetches the page through the port forward until it contains `text`; when, and how long the fetch that saw it took. */
async function servedWithin(port: number, text: string, timeoutMs: number): Promise<{ at: number; tookMs: number }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const started = Date.now();
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
      const body = await response.text();
      if (body.includes(text)) return { at: Date.now(), tookMs: Date.now() - started };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`"${text}" was not served within ${timeoutMs / 1000} s`);
}

/** The same edits under `tilt up`, with the same app and rule. */
async function measureTilt(options: {
  tilt: string;
  env: TestEnvironment;
  table: SampleTable;
  facts: Record<string, string | number | boolean>;
  iterations: number;
  log: (line: string) => void;
}): Promise<void> {
  const { env, table, facts, log } = options;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const project: BenchProject = await createProject(env, { name: 'tilt-live', files: { 'app/Dockerfile': dockerfile } });
  writeFileSync(
    path.join(project.dir, 'Tiltfile'),
    [
      'version_settings(check_updates=False)',
      'analytics_settings(False)',
      `allow_k8s_contexts('${env.context}')`,
      `default_registry('${env.registryHost}', host_from_cluster='${env.registryFromCluster}')`,
      `docker_build('hello-web', 'app', live_update=[sync('app/site', '/srv')])`,
      `k8s_yaml('k8s/hello.yaml')`,
      `k8s_resource('hello', port_forwards=['${port}:8080'])`,
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  try {
    log('tilt: first deploy…');
    const state = path.join(project.dir, '.tilt-state');
    const args = [
      'up',
      '--stream',
      '--host',
      '127.0.0.1',
      '--port',
      String(port + 1),
      '--namespace',
      project.namespace,
      '--context',
      env.context,
    ];
    child = spawn(options.tilt, args, {
      cwd: project.dir,
      // Tilt's state stays inside the copy, and it phones nowhere.
      env: {
        ...project.env,
        TILT_DEV_DIR: path.join(state, 'tilt-dev'),
        XDG_CONFIG_HOME: path.join(state, 'config'),
        XDG_DATA_HOME: path.join(state, 'data'),
        XDG_STATE_HOME: path.join(state, 'state'),
        TILT_DISABLE_ANALYTICS: '1',
      },
      stdio: 'ignore',
    });
    await servedWithin(port, 'hello from devloop', 180_000);
    let unserved = 0;
    for (let i = 0; i < options.iterations; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const text = `tilt edit ${i} ${Date.now()}`;
      const inPod = await watchServed(env, project, text);
      const writeAt = Date.now();
      project.write('app/site/index.html', `<!doctype html>\n<h1>${text}</h1>\n`);
      const servedAt = await inPod.served.catch(() => undefined);
      if (servedAt === undefined) unserved++;
      table.add('tilt: edit → served', 'ms', servedAt && servedAt - writeAt);
      log(`  tilt ${i + 1}/${options.iterations}: ${servedAt ? `served after ${servedAt - writeAt} ms` : 'not served within 30 s'}`);
    }
    facts['tilt edits never served within 30 s'] = unserved;
  } finally {
    child?.kill('SIGINT');
    await project.remove();
  }
}
