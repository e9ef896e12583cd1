import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { findBuildxPlugin } from './buildx-plugin.ts';

const root = mkdtempSync(path.join(tmpdir(), 'devloop-buildx-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function plugin(dir: string, mode = 0o755): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'docker-buildx');
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, mode);
  return file;
}

describe('findBuildxPlugin', () => {
  const fs = new NodeFileSystem();

  it("takes the config's extra plugin dirs first, then $DOCKER_CONFIG/cli-plugins", async () => {
    const config = path.join(root, 'a', '.docker');
    const own = plugin(path.join(config, 'cli-plugins'));
    expect(await findBuildxPlugin({ fs, env: { DOCKER_CONFIG: config } })).toBe(own);
    const extra = plugin(path.join(root, 'a', 'extra'));
    writeFileSync(path.join(config, 'config.json'), JSON.stringify({ cliPluginsExtraDirs: [path.dirname(extra)] }));
    expect(await findBuildxPlugin({ fs, env: { DOCKER_CONFIG: config } })).toBe(extra);
  });

  it('reads ~/.docker when DOCKER_CONFIG is unset, and skips a file that is not executable', async () => {
    const home = path.join(root, 'b');
    plugin(path.join(home, '.docker', 'cli-plugins'), 0o644);
    const found = await findBuildxPlugin({ fs, env: { HOME: home } });
    // Not that file: a system-wide plugin, if this machine has one, or none.
    expect(found).not.toBe(path.join(home, '.docker', 'cli-plugins', 'docker-buildx'));
    const broken = path.join(root, 'c', '.docker');
    mkdirSync(broken, { recursive: true });
    writeFileSync(path.join(broken, 'config.json'), '{not json');
    expect(await findBuildxPlugin({ fs, env: { DOCKER_CONFIG: broken } })).toBe(found);
  });
});
