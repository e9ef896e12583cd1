import { describe, expect, it } from 'vitest';
import { err, ok } from '../core/result.ts';
import { batchKind, reloadConfig } from './config-reload.ts';
import { Store } from './store.ts';

const files = { isConfigFile: (p: string) => p.endsWith('devloop.config.ts'), isManifest: (p: string) => p.endsWith('.yaml') };
const change = (path: string) => ({ path, kind: 'change' as const, at: 0 });

describe('batchKind', () => {
  it('reloads on a config or manifest edit, anything else goes to the loop', () => {
    expect(batchKind([change('/p/app.py'), change('/p/devloop.config.ts')], files)).toBe('reload');
    expect(batchKind([change('/p/k8s/web.yaml')], files)).toBe('reload');
    expect(batchKind([change('/p/app.py')], files)).toBe('changes');
  });
});

describe('reloadConfig', () => {
  const setup = (opened: Awaited<ReturnType<Parameters<typeof reloadConfig<string>>[0]['open']>>, stopping = false) => {
    const store = new Store(0);
    const steps: string[] = [];
    store.subscribe((a) => steps.push(a.type));
    const run = reloadConfig<string>({
      store,
      now: () => 42,
      open: async () => {
        steps.push('open');
        return opened;
      },
      stop: async () => {
        steps.push('stop');
      },
      start: async (session) => steps.push(`start ${session}`),
      notice: (m) => steps.push(`notice ${m}`),
      stopping: () => stopping,
    });
    return { store, steps, run };
  };

  it('opens the new session before stopping the running one, then starts it', async () => {
    const { steps, run } = setup(ok('new'));
    await run;
    expect(steps).toEqual(['open', 'notice configuration changed: reloading', 'stop', 'config-reloaded', 'start new']);
  });

  it('a broken edit shows its diagnostics and the running session goes on', async () => {
    const diagnostics = [{ severity: 'error' as const, code: 'config-invalid', message: 'images.web.context: not found' }];
    const { steps, store, run } = setup(err(diagnostics));
    await run;
    expect(steps).toEqual(['open', 'config-invalid']);
    expect(store.getState().configProblems).toEqual(diagnostics);
  });

  it('does nothing when devloop is stopping meanwhile', async () => {
    const { steps, run } = setup(ok('new'), true);
    await run;
    expect(steps).toEqual(['open']);
  });
});
