import { describe, expect, it } from 'vitest';
import { captureSink } from '../../test/support/cli-harness.ts';
import { LogStore } from '../engine/log-store.ts';
import { Store } from '../engine/store.ts';
import { PlainReporter } from '../report/reporters/plain-reporter.ts';
import { initialUiState } from '../ui/ui-state.ts';
import { toView } from '../ui/view-model.ts';
import { FakeFileWatcher } from '../watch/fake-file-watcher.ts';
import { startWatcher } from './watch-feed.ts';

const limit = 'the inotify watch limit is reached: raise it with `sudo sysctl fs.inotify.max_user_watches=524288`';

describe('startWatcher', () => {
  it('says at once that the watch broke while nothing else happens, in the report and the header', async () => {
    const store = new Store(0);
    const sink = captureSink();
    new PlainReporter({ store, logs: new LogStore(), sink, color: false, cwd: '/p' });
    const watcher = new FakeFileWatcher();
    const changes: string[] = [];
    await startWatcher(watcher, { store, onChange: (file, kind) => changes.push(`${kind} ${file}`), now: () => 5 });
    watcher.emit('/p/app/main.sh');
    expect(changes).toEqual(['change /p/app/main.sh']);

    watcher.fail(limit);
    watcher.fail(limit);
    expect(sink.text()).toBe(`[devloop] watching 0 files\n[devloop] watch error: ${limit}\n`);
    expect(store.getState().watchError).toBe(limit);
    const { header } = toView(store.getState(), initialUiState, 10);
    expect(header).toMatchObject({ watchError: limit, height: 2 });

    store.dispatch({ type: 'config-reloaded', at: 20 });
    expect(toView(store.getState(), initialUiState, 30).header).toMatchObject({ watchError: undefined, height: 1 });
  });
});
