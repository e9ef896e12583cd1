import { describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { clusterConfigFile } from './cluster-config-file.ts';

const target = { name: 'devloop-cfg-test', registry: { name: 'k3d-registry.localhost', port: 5123 } };

describe('clusterConfigFile', () => {
  it('uses the project’s k3d config as the user would name it', async () => {
    const config = await clusterConfigFile(new NodeFileSystem(), { target, projectFile: '/p/k3d-cluster.yaml', cwd: '/p' });
    expect(config.file).toBe('k3d-cluster.yaml');
  });

  it('otherwise fills the template in for the target, in a file that goes away after', async () => {
    const fs = new NodeFileSystem();
    const config = await clusterConfigFile(fs, { target, projectFile: undefined, cwd: '/p' });
    const text = await fs.readText(config.file);
    expect(text).toContain('devloop-cfg-test');
    expect(text).toContain('5123');
    await config.dispose();
    expect(await fs.stat(config.file)).toBeUndefined();
  });
});
