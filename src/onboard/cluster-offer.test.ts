import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeRunner } from '../system/fake-runner.ts';
import { MemoryFileSystem } from '../system/memory-file-system.ts';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { clusterOffer } from './cluster-offer.ts';

const kubeconfig = [
  'apiVersion: v1',
  'kind: Config',
  "clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:6443' } }]",
  'users: [{ name: u, user: {} }]',
  'contexts: [{ name: k3d-dev, context: { cluster: c, user: u } }]',
].join('\n');

const env = { KUBECONFIG: '/home/u/.kube/config' };
const dir = mkdtempSync(path.join(tmpdir(), 'devloop-offer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const k3d = () => new FakeRunner().on('k3d version', { stdout: 'k3d version v5.8.3' });

describe('clusterOffer', () => {
  it('offers nothing when the context exists, or is not a k3d one', async () => {
    // The Kubernetes client reads the kubeconfig from disk.
    writeFileSync(path.join(dir, 'config'), kubeconfig);
    const fs = new NodeFileSystem();
    const mine = { KUBECONFIG: path.join(dir, 'config') };
    expect(await clusterOffer({ fs, env: mine, runner: k3d(), context: 'k3d-dev', interactive: true })).toEqual({ kind: 'none' });
    const runner = k3d();
    expect(await clusterOffer({ fs, env: mine, runner, context: 'kind-dev', interactive: true })).toEqual({ kind: 'none' });
    expect(runner.calls).toEqual([]);
  });

  it('says to install k3d first when it is missing', async () => {
    const offer = await clusterOffer({ fs: new MemoryFileSystem(), env, runner: new FakeRunner(), context: 'k3d-dev', interactive: true });
    expect(offer).toEqual({
      kind: 'refuse',
      message: 'kube context k3d-dev does not exist, and k3d is not installed.',
      hint: 'install k3d (https://k3d.io/#installation), then run `devloop cluster create`',
    });
  });

  it('asks on a terminal, and otherwise says what to run', async () => {
    const fs = new MemoryFileSystem();
    expect(await clusterOffer({ fs, env, runner: k3d(), context: 'k3d-dev', interactive: false })).toEqual({
      kind: 'refuse',
      message: 'kube context k3d-dev does not exist.',
      hint: 'create the k3d cluster "dev" with its registry: devloop cluster create',
    });
    expect(await clusterOffer({ fs, env, runner: k3d(), context: 'k3d-dev', interactive: true })).toMatchObject({
      kind: 'ask',
      question: 'kube context k3d-dev does not exist. Create the k3d cluster "dev" with its registry now? [Y/n] ',
    });
  });
});
