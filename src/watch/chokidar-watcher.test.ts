import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBuildContext } from '../graph/build-context.ts';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { ChokidarWatcher } from './chokidar-watcher.ts';
import { createWatchFilter, watchRoots } from './watch-filter.ts';

let dir: string;
let watcher: ChokidarWatcher | undefined;
afterEach(async () => {
  await watcher?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A context `app` holding `files` (relative to it, with a Dockerfile) and a
 * watcher over it, started, collecting `kind app/path` lines. Files changed
 * just before watching starts may be reported once more when the watcher's
 * scan ends (their inode change time cannot be told from a change made just
 * after), so watching starts a little after they are written.
 */
async function watchApp(
  files: Record<string, string>,
  dockerignore: string,
  options: { scanAfter?: Promise<void>; groupEntries?: number } = {},
) {
  dir = mkdtempSync(path.join(tmpdir(), 'devloop-watch-'));
  const app = path.join(dir, 'app');
  for (const [file, text] of Object.entries({ Dockerfile: 'FROM busybox\nCOPY . /app\n', ...files })) {
    mkdirSync(path.dirname(path.join(app, file)), { recursive: true });
    writeFileSync(path.join(app, file), text);
  }
  const input = {
    rootDir: dir,
    contexts: [createBuildContext({ dir: app, dockerfile: path.join(app, 'Dockerfile'), dockerignore })],
    configFiles: [path.join(dir, 'devloop.config.ts')],
    manifests: [],
    ignore: [],
  };
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started = new ChokidarWatcher({
    roots: watchRoots(input),
    filter: createWatchFilter(input),
    fs: new NodeFileSystem(),
    ...(options.groupEntries ? { groupEntries: options.groupEntries } : {}),
  });
  watcher = started;
  const events: string[] = [];
  const watched = await started.start(
    (file, kind) => events.push(`${kind} ${path.relative(dir, file)}`),
    () => undefined,
    options.scanAfter ? { scanAfter: options.scanAfter } : {},
  );
  return { watcher: started, events, watched, write: (file: string, text: string) => writeFileSync(path.join(app, file), text), app };
}

/** Waits until `events` holds `count` lines (at most 5 s), then 200 ms more for any extra one. */
async function settled(events: readonly string[], count: number): Promise<string[]> {
  const deadline = Date.now() + 5000;
  while (events.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
  return [...events].sort();
}

describe('ChokidarWatcher on a real directory', () => {
  it('reports relevant changes and stays quiet for ignored ones', async () => {
    const { events, watched, write } = await watchApp(
      { '.dockerignore': 'node_modules\n', 'main.sh': 'echo 1\n', 'node_modules/dep/index.js': '1\n' },
      'node_modules\n',
    );
    expect(watched).toBeGreaterThan(0);
    write('node_modules/dep/index.js', '2\n');
    write('.main.sh.swp', 'x');
    write('main.sh', 'echo 2\n');
    write('new.sh', 'echo new\n');
    expect(await settled(events, 2)).toEqual(['add app/new.sh', 'change app/main.sh']);
  });

  it('filters files when their events arrive: ignored files that existed, new ones, and deletions', async () => {
    const { events, write, app } = await watchApp(
      { 'NOTES.md': 'notes\n', 'src/old.sh': 'echo old\n', 'src/keep.sh': 'echo keep\n' },
      '*.md\nsrc/*.log\n',
    );
    write('NOTES.md', 'more notes\n');
    write('src/debug.log', 'x\n');
    rmSync(path.join(app, 'src/old.sh'));
    write('src/keep.sh', 'echo kept\n');
    expect(await settled(events, 2)).toEqual(['change app/src/keep.sh', 'unlink app/src/old.sh']);
  });

  it('reports changes made before its scan started once the scan is done, then watches as usual', async () => {
    let startScan = () => {};
    const scanAfter = new Promise<void>((resolve) => {
      startScan = resolve;
    });
    const files = { 'src/edited.sh': 'echo 1\n', 'src/deleted.sh': 'echo 1\n', 'src/later.sh': 'echo 1\n' };
    const { watcher: current, events, write, app } = await watchApp(files, '**/*.log\n', { scanAfter });
    write('src/edited.sh', 'echo 2\n');
    rmSync(path.join(app, 'src/deleted.sh'));
    mkdirSync(path.join(app, 'src/new'));
    write('src/new/added.sh', 'echo new\n');
    write('src/noise.log', 'x\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual([]);
    startScan();
    await current.scanned;
    expect([...events].sort()).toEqual(['add app/src/new/added.sh', 'change app/src/edited.sh', 'unlink app/src/deleted.sh']);
    write('src/later.sh', 'echo 2\n');
    expect(await settled(events, 4)).toContain('change app/src/later.sh');
  });

  it('scanning the tree a group of directories at a time, it still sees changes everywhere', async () => {
    const files: Record<string, string> = {};
    for (const d of ['x', 'y', 'y/deep', 'z']) for (const f of ['1', '2', '3']) files[`src/${d}/${f}.sh`] = 'echo 1\n';
    const { watcher: current, events, write, app } = await watchApp(files, '', { groupEntries: 4 });
    await current.scanned;
    write('src/x/1.sh', 'echo 2\n');
    write('src/y/deep/2.sh', 'echo 2\n');
    rmSync(path.join(app, 'src/z'), { recursive: true });
    mkdirSync(path.join(app, 'src/y/new'));
    write('src/y/new/4.sh', 'echo 4\n');
    write('src/top.sh', 'echo top\n');
    expect(await settled(events, 7)).toEqual([
      'add app/src/top.sh',
      'add app/src/y/new/4.sh',
      'change app/src/x/1.sh',
      'change app/src/y/deep/2.sh',
      'unlink app/src/z/1.sh',
      'unlink app/src/z/2.sh',
      'unlink app/src/z/3.sh',
    ]);
  });
});
