import { describe, expect, it } from 'vitest';
import { compileSource, isRemoteSource, sourceSelects, sourceTouches } from './copy-sources.ts';

describe('copy sources', () => {
  it('cleans sources like Docker', () => {
    expect(compileSource('./app/../src/').path).toBe('src');
    expect(compileSource('/etc/x').path).toBe('etc/x');
    expect(compileSource('.').path).toBe('');
  });

  it('selects a file, a directory subtree, and the whole context', () => {
    expect(sourceSelects(compileSource('app'), 'app/main.py')).toBe(true);
    expect(sourceSelects(compileSource('app'), 'app')).toBe(true);
    expect(sourceSelects(compileSource('app'), 'apple.py')).toBe(false);
    expect(sourceSelects(compileSource('.'), 'anything/at/all')).toBe(true);
  });

  it('matches wildcards per segment, with subtrees of matched directories', () => {
    const p = compileSource('src/*.py');
    expect(sourceSelects(p, 'src/a.py')).toBe(true);
    expect(sourceSelects(p, 'src/sub/a.py')).toBe(false);
    expect(sourceSelects(compileSource('pkg*'), 'pkg-a/x/y.txt')).toBe(true);
    expect(sourceSelects(compileSource('file?.txt'), 'file1.txt')).toBe(true);
    expect(sourceSelects(compileSource('file[0-2].txt'), 'file3.txt')).toBe(false);
    expect(sourceSelects(compileSource('file[!0-2].txt'), 'file3.txt')).toBe(true);
  });

  it('touches a directory added or deleted above a source', () => {
    expect(sourceTouches(compileSource('app/main.py'), 'app')).toBe(true);
    expect(sourceTouches(compileSource('src/*.py'), 'src')).toBe(true);
    expect(sourceTouches(compileSource('src/*.py'), 'lib')).toBe(false);
    expect(sourceTouches(compileSource('app/main.py'), 'app/other.py')).toBe(false);
  });

  it('recognises remote ADD sources', () => {
    expect(isRemoteSource('https://example.com/x.tgz')).toBe(true);
    expect(isRemoteSource('x.tgz')).toBe(false);
  });
});
