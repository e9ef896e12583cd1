import { describe, expect, it } from 'vitest';
import { MemoryFileSystem } from '../system/memory-file-system.ts';
import { syncArchive } from './sync-archive.ts';

describe('syncArchive', () => {
  it('archives the files that exist now, deletes the ones that are gone, and skips directories', async () => {
    const fs = new MemoryFileSystem().put('/p/site/index.html', '<h1>hi</h1>\n', { mode: 0o100600 }).put('/p/site/img/a.png', 'png');
    const { archive, deletions } = await syncArchive(fs, [
      { localPath: '/p/site/index.html', containerPath: '/srv/index.html', kind: 'write' },
      { localPath: '/p/site/img', containerPath: '/srv/img', kind: 'write' },
      { localPath: '/p/site/gone.html', containerPath: '/srv/gone.html', kind: 'write' },
      { localPath: '/p/site/old.css', containerPath: '/srv/old.css', kind: 'delete' },
    ]);
    expect(deletions).toEqual(['/srv/gone.html', '/srv/old.css']);
    const text = new TextDecoder().decode(archive);
    expect(text).toContain('srv/index.html');
    expect(text).toContain('<h1>hi</h1>');
    expect(text).not.toContain('srv/img');
  });

  it('sends no archive when there is nothing to write', async () => {
    const { archive, deletions } = await syncArchive(new MemoryFileSystem(), [
      { localPath: '/p/a', containerPath: '/srv/a', kind: 'delete' },
    ]);
    expect(archive).toBeUndefined();
    expect(deletions).toEqual(['/srv/a']);
  });
});
