import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { engineSocket } from './engine-socket.ts';

const root = mkdtempSync(path.join(tmpdir(), 'devloop-socket-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('engineSocket', () => {
  const fs = new NodeFileSystem();
  const config = (name: string, json: unknown) => {
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(json));
    return dir;
  };

  it('takes a unix DOCKER_HOST, and no socket for any other host', async () => {
    expect(await engineSocket({ fs, env: { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' } })).toBe('/run/user/1000/docker.sock');
    expect(await engineSocket({ fs, env: { DOCKER_HOST: 'tcp://10.0.0.2:2376' } })).toBeUndefined();
    expect(await engineSocket({ fs, env: { DOCKER_HOST: 'ssh://me@box' } })).toBeUndefined();
  });

  it('leaves another docker context to the docker CLI', async () => {
    expect(await engineSocket({ fs, env: { DOCKER_CONTEXT: 'colima' } })).toBeUndefined();
    expect(await engineSocket({ fs, env: { DOCKER_CONFIG: config('other', { currentContext: 'desktop-linux' }) } })).toBeUndefined();
  });

  it('answers the default socket for the default context when it exists', async () => {
    const expected = (await fs.stat('/var/run/docker.sock')) ? '/var/run/docker.sock' : undefined;
    expect(await engineSocket({ fs, env: { DOCKER_CONFIG: config('default', { currentContext: 'default' }) } })).toBe(expected);
    expect(await engineSocket({ fs, env: { DOCKER_CONFIG: path.join(root, 'none') } })).toBe(expected);
  });
});
