import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBuildContext } from '../graph/build-context.ts';
import { ChokidarWatcher } from './chokidar-watcher.ts';
import { createWatchFilter, watchRoots } from './watch-filter.ts';

let dir: string;
let watcher: ChokidarWatcher | undefined;
afterEach(async () => {
  await watcher?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ChokidarWatcher on a real directory', () => {
  it('reports relevant changes and stays quiet for ignored ones', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'devloop-watch-'));
    const app = path.join(dir, 'app');
    mkdirSync(path.join(app, 'node_modules/dep'), { recursive: true });
    writeFileSync(path.join(app, 'Dockerfile'), 'FROM busybox\nCOPY . /app\n');
    writeFileSync(path.join(app, '.dockerignore'), 'node_modules\n');
    writeFileSync(path.join(app, 'main.sh'), 'echo 1\n');
    writeFileSync(path.join(app, 'node_modules/dep/index.js'), '1\n');
    const input = {
      rootDir: dir,
      contexts: [createBuildContext({ dir: app, dockerfile: path.join(app, 'Dockerfile'), dockerignore: 'node_modules\n' })],
      configFiles: [path.join(dir, 'devloop.config.ts')],
      manifests: [],
      ignore: [],
    };
    watcher = new ChokidarWatcher({ roots: watchRoots(input), filter: createWatchFilter(input) });
    const events: string[] = [];
    const watched = await watcher.start(
      (file, kind) => events.push(`${kind} ${path.relative(dir, file)}`),
      () => undefined,
    );
    expect(watched).toBeGreaterThan(0);
    writeFileSync(path.join(app, 'node_modules/dep/index.js'), '2\n');
    writeFileSync(path.join(app, '.main.sh.swp'), 'x');
    writeFileSync(path.join(app, 'main.sh'), 'echo 2\n');
    writeFileSync(path.join(app, 'new.sh'), 'echo new\n');
    const deadline = Date.now() + 5000;
    while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(events.sort()).toEqual(['add app/new.sh', 'change app/main.sh']);
  });

  it('filters files when their events arrive: ignored files that existed, new ones, and deletions', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'devloop-watch-'));
    const app = path.join(dir, 'app');
    mkdirSync(path.join(app, 'src'), { recursive: true });
    writeFileSync(path.join(app, 'Dockerfile'), 'FROM busybox\nCOPY . /app\n');
    writeFileSync(path.join(app, 'NOTES.md'), 'notes\n');
    writeFileSync(path.join(app, 'src/old.sh'), 'echo old\n');
    writeFileSync(path.join(app, 'src/keep.sh'), 'echo keep\n');
    const dockerignore = '*.md\nsrc/*.log\n';
    const input = {
      rootDir: dir,
      contexts: [createBuildContext({ dir: app, dockerfile: path.join(app, 'Dockerfile'), dockerignore })],
      configFiles: [path.join(dir, 'devloop.config.ts')],
      manifests: [],
      ignore: [],
    };
    watcher = new ChokidarWatcher({ roots: watchRoots(input), filter: createWatchFilter(input) });
    const events: string[] = [];
    await watcher.start(
      (file, kind) => events.push(`${kind} ${path.relative(dir, file)}`),
      () => undefined,
    );
    writeFileSync(path.join(app, 'NOTES.md'), 'more notes\n');
    writeFileSync(path.join(app, 'src/debug.log'), 'x\n');
    rmSync(path.join(app, 'src/old.sh'));
    writeFileSync(path.join(app, 'src/keep.sh'), 'echo kept\n');
    const deadline = Date.now() + 5000;
    while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(events.sort()).toEqual(['change app/src/keep.sh', 'unlink app/src/old.sh']);
  });
});
