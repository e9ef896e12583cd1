import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type PeerProject, peerSkipReason, tiltfile } from './peer-tools.ts';
import type { TestEnvironment } from './test-env.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

describe('the peer benchmark', () => {
  it('runs only with an executable TILT_BIN and never in CI', () => {
    expect(peerSkipReason({})).toMatch(/^TILT_BIN is not set \(build Tilt v0\.37\.6 with `bash .*scripts\/build-tilt`\)$/);
    expect(peerSkipReason({ TILT_BIN: '/nonexistent/tilt' })).toMatch(/^TILT_BIN=\/nonexistent\/tilt is not an executable file/);
    expect(peerSkipReason({ TILT_BIN: process.execPath, CI: 'true' })).toBe('CI is set, and the peer benchmark never runs in CI');
    expect(peerSkipReason({ TILT_BIN: process.execPath })).toBeUndefined();
  });

  it('says in one line why it is skipped and exits 0, without touching the test environment', async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const run = await promisify(execFile)(process.execPath, ['bench/run.js', 'peers'], { cwd: repoRoot, env });
    expect(run.stdout).toBe('bench: peers skipped: TILT_BIN is not set (build Tilt v0.37.6 with `bash scripts/build-tilt`)\n');
    expect(run.stderr).toBe('');
  });

  it('gives Tilt the same image, context, manifests and forward as devloop, through the cluster registry', () => {
    const env = {
      context: 'k3d-dev',
      registryHost: 'localhost:5000',
      registryFromCluster: 'k3d-registry.localhost:5000',
    } as TestEnvironment;
    const peer = { port: 41234, apiPort: 41235 } as PeerProject;
    const text = tiltfile(peer, env);
    expect(text).toContain("default_registry('localhost:5000', host_from_cluster='k3d-registry.localhost:5000')");
    expect(text).toContain("docker_build('hello-web', 'app')");
    expect(text).toContain("k8s_yaml('k8s/hello.yaml')");
    expect(text).toContain("k8s_resource('hello', port_forwards='41234:8080')");
  });
});
