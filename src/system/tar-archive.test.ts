import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tarArchive } from './tar-archive.ts';

describe('tarArchive', () => {
  it('is read by the system tar: content, mode, long paths', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tar-archive-'));
    try {
      const long = `/srv/${'deep/'.repeat(30)}page.html`;
      const longName = `/srv/${'n'.repeat(120)}.html`;
      const archive = tarArchive([
        { path: '/srv/index.html', content: Buffer.from('<h1>hi</h1>\n'), mode: 0o644 },
        { path: '/srv/cgi-bin/run', content: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
        { path: long, content: Buffer.from('x'.repeat(1000)), mode: 0o600 },
        { path: longName, content: new Uint8Array(0), mode: 0o644 },
      ]);
      writeFileSync(path.join(dir, 'a.tar'), archive);
      execFileSync('tar', ['-x', '-C', dir, '-f', path.join(dir, 'a.tar')]);
      expect(readFileSync(path.join(dir, 'srv/index.html'), 'utf8')).toBe('<h1>hi</h1>\n');
      expect(statSync(path.join(dir, 'srv/cgi-bin/run')).mode & 0o777).toBe(0o755);
      expect(readFileSync(path.join(dir, long.slice(1)), 'utf8')).toHaveLength(1000);
      expect(statSync(path.join(dir, longName.slice(1))).size).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
