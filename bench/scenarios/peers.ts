import { loadavg } from 'node:os';
import { succeeded } from '../../src/system/process-runner.ts';
import { type DevloopProcess, ensureBuilt } from '../support/devloop-process.ts';
import { devloopPeer, freePort, type PeerProject, type PeerTool, peerSkipReason, tiltPeer, waitForPage } from '../support/peer-tools.ts';
import { createProject } from '../support/project.ts';
import { SampleTable, type Scenario } from '../support/report.ts';
import { summarize } from '../support/stats.ts';
import { benchRunner, openEnvironment, type TestEnvironment } from '../support/test-env.ts';

/** The three figures, each tool's median against Tilt's, and the ratio the product aims for. */
const measures = [
  { key: 'edit', label: 'edit → page served', goal: 0.7 },
  { key: 'restart', label: 'restart, unchanged deployed tree → page served', goal: 0.7 },
  { key: 'first', label: 'first deploy of a fresh copy → page served', goal: 1 },
] as const;
type MeasureKey = (typeof measures)[number]['key'];

/** A tool running on its copy, and the content its page should show now. */
interface Session {
  readonly tool: PeerTool;
  readonly peer: PeerProject;
  process: DevloopProcess;
  marker: string;
}

const page = (marker: string) => `<!doctype html>\n<h1>${marker}</h1>\n`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load = () => loadavg()[0]?.toFixed(2) ?? '?';

/**
 * devloop beside Tilt on copies of examples/hello in the same cluster and
 * registry, each tool in its own namespace, taking turns edit by edit (the
 * first tool of each round alternates). Every figure ends when the page with
 * the expected content answers through the tool's own port forward.
 */
export const peers: Scenario = {
  name: 'peers',
  title: 'devloop beside Tilt (TILT_BIN) on copies of examples/hello, alternating edit by edit',
  defaultIterations: 10,
  needsCluster: true,
  onlyWhenNamed: true,
  skipReason: () => peerSkipReason(),
  async run(ctx) {
    const env = await openEnvironment({ log: ctx.log });
    await ensureBuilt(ctx.log);
    const bin = process.env.TILT_BIN ?? 'tilt';
    const tools: readonly PeerTool[] = [devloopPeer, tiltPeer(bin)];
    const version = await benchRunner.run(bin, ['version'], { timeoutMs: 30_000 });
    const table = new SampleTable();
    const name = (tool: PeerTool, key: MeasureKey) => `${tool.name}: ${measures.find((m) => m.key === key)?.label}`;
    for (const m of measures) for (const tool of tools) table.add(name(tool, m.key), 'ms', undefined);
    const samples = new Map<string, number[]>();
    const failures = new Map<string, string>();
    const loads: string[] = [`start ${load()}`];
    const sessions = new Map<string, Session>();
    /** Where each served edit's output starts, to read the tool's own step times. */
    const updates: { tool: PeerTool; mark: number; process: DevloopProcess }[] = [];
    const order = (round: number) => (round % 2 === 0 ? tools : [...tools].reverse());

    /** Takes one sample; a failure is kept as the reason this figure is incomplete and ends its samples. */
    const measure = async (tool: PeerTool, key: MeasureKey, take: () => Promise<number>): Promise<void> => {
      const row = name(tool, key);
      if (failures.has(row)) return;
      try {
        const ms = await take();
        table.add(row, 'ms', ms);
        samples.set(row, [...(samples.get(row) ?? []), ms]);
        ctx.log(`  ${row}: ${ms} ms`);
      } catch (error) {
        const n = samples.get(row)?.length ?? 0;
        const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ⏎ ').slice(0, 600);
        const reason = `failed after ${n} sample${n === 1 ? '' : 's'}: ${message}`;
        failures.set(row, reason);
        ctx.log(`  ${row}: ${reason}`);
      }
    };

    const close = async (session: Session): Promise<void> => {
      sessions.delete(session.tool.name);
      await session.process.stop();
      await session.tool.down(session.peer, env).catch((error) => ctx.log(`${session.tool.name} down: ${String(error)}`));
      await session.peer.project.remove();
    };

    try {
      const firstDeploys = Math.min(3, ctx.iterations);
      for (let round = 0; round < firstDeploys; round++) {
        for (const old of [...sessions.values()]) await close(old);
        for (const tool of order(round)) {
          await measure(tool, 'first', async () => {
            const session = await startSession(env, tool, `${tool.name} first deploy ${round} ${Date.now()}`);
            sessions.set(tool.name, session);
            const served = await waitForPage(session.peer.port, session.marker, session.process, { timeoutMs: 180_000 });
            return served - session.process.spawnedAt;
          });
        }
      }
      loads.push(`after first deploys ${load()}`);

      for (let i = 0; i < ctx.iterations; i++) {
        for (const tool of order(i)) {
          await sleep(1500);
          await measure(tool, 'edit', async () => {
            const session = running(sessions, tool);
            session.marker = `${tool.name} edit ${i} ${Date.now()}`;
            const mark = session.process.events.length;
            const writtenAt = Date.now();
            session.peer.project.write('app/site/index.html', page(session.marker));
            const served = await waitForPage(session.peer.port, session.marker, session.process, { timeoutMs: 120_000 });
            updates.push({ tool, mark, process: session.process });
            return served - writtenAt;
          });
        }
      }
      loads.push(`after edits ${load()}`);
      // Read once every edit is served: a tool may print its step summary after the page already answers.
      for (const { tool, mark, process } of updates) {
        const t = tool.steps(process.events.slice(mark));
        table.add(`${tool.name}: edit, build step (as the tool reports it)`, 'ms', t.build);
        table.add(`${tool.name}: edit, delivery step (as the tool reports it)`, 'ms', t.delivery);
      }

      const restarts = Math.min(5, ctx.iterations);
      for (let i = 0; i < restarts; i++) {
        for (const tool of order(i)) {
          await sleep(1500);
          await measure(tool, 'restart', async () => {
            const session = running(sessions, tool);
            await session.process.stop();
            session.process = tool.start(session.peer, env);
            const served = await waitForPage(session.peer.port, session.marker, session.process, { timeoutMs: 120_000 });
            return served - session.process.spawnedAt;
          });
        }
      }
      loads.push(`end ${load()}`);
    } finally {
      for (const session of [...sessions.values()]) await close(session);
    }

    const facts: Record<string, string> = {
      tilt: succeeded(version) ? `${version.stdout.trim()} (${bin})` : `${bin} (\`tilt version\` failed)`,
      'load average (1 min)': loads.join(', '),
    };
    for (const tool of tools) {
      const seen = new Set(updates.filter((u) => u.tool === tool).map((u) => tool.builder(u.process.events.slice(u.mark))));
      facts[`${tool.name} builder (from its build output)`] = [...seen].join(', ') || 'no edit measured';
    }
    for (const m of measures) facts[`ratio devloop/Tilt, ${m.label}`] = ratio(samples, tools, m, name);
    for (const [row, reason] of failures) facts[`${row}: incomplete`] = reason;
    return {
      metrics: table.metrics(),
      facts,
      notes: [
        'Each tool runs on its own copy of examples/hello in its own namespace, in the same cluster and registry; both run the whole time, and each round alternates which tool goes first, 1.5 s apart.',
        'A figure ends when GET / on the forwarded local port (a new connection every 50 ms) answers with the page just written.',
        'edit: write of site/index.html → served. restart: the tool is stopped (SIGTERM) and started again on the same copy → served. first deploy: a new copy with a new page in a new namespace, tool spawned → served (the first round includes each tool’s cold start on this machine).',
        "Build and delivery steps are each tool's own account of an edit's update: devloop's build-started → build-completed and delivery-started → delivery-completed actions; Tilt's `Step 1 - N s (Building Dockerfile…)` and `Step 2 - N s (Pushing…)` lines.",
        `devloop: \`node bin/devloop.js up --output json\` (this checkout's dist/). Tilt: \`tilt up --stream\` with a Tiltfile of docker_build + k8s_yaml + k8s_resource(port_forwards) + default_registry, \`tilt down\` after.`,
      ],
    };
  },
};

/** The session of a tool whose process still runs, or an error saying why there is none. */
function running(sessions: Map<string, Session>, tool: PeerTool): Session {
  const session = sessions.get(tool.name);
  if (!session) throw new Error(`${tool.name} has no running copy (its first deploy failed)`);
  if (!Number.isNaN(session.process.exitedAt)) throw new Error(`${tool.name} exited: ${session.process.tail(400)}`);
  return session;
}

/** `tool` started on a new copy of examples/hello (its own namespace and free ports) whose page shows `marker`. */
async function startSession(env: TestEnvironment, tool: PeerTool, marker: string): Promise<Session> {
  const project = await createProject(env, { name: `peers-${tool.name}` });
  const peer: PeerProject = { project, port: await freePort(), apiPort: await freePort() };
  project.write('app/site/index.html', page(marker));
  tool.configure(peer, env);
  return { tool, peer, marker, process: tool.start(peer, env) };
}

/** "0.83 (1.30 s / 1.57 s; goal ≤ 0.70: met)", or why there is no ratio. */
function ratio(
  samples: Map<string, number[]>,
  tools: readonly PeerTool[],
  m: (typeof measures)[number],
  name: (tool: PeerTool, key: MeasureKey) => string,
): string {
  const [ours, theirs] = tools.map((tool) => summarize(samples.get(name(tool, m.key)) ?? []));
  if (!ours || !theirs) return 'not measured: a tool has no samples (see incomplete)';
  const r = ours.median / theirs.median;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return `${r.toFixed(2)} (${s(ours.median)} / ${s(theirs.median)}; goal ≤ ${m.goal.toFixed(2)}: ${r <= m.goal ? 'met' : 'MISSED'})`;
}
