import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { readK3dConfig } from './cluster-target.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function k3dConfig(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'devloop-k3d-config-'));
  dirs.push(dir);
  const file = path.join(dir, 'k3d-cluster.yaml');
  writeFileSync(file, text);
  return file;
}

describe('readK3dConfig', () => {
  it('reads the cluster and registry names', async () => {
    const file = k3dConfig('metadata:\n  name: shop\nregistries:\n  create:\n    name: k3d-registry.localhost\n    hostPort: "5123"\n');
    expect(await readK3dConfig(new NodeFileSystem(), file)).toEqual({
      file,
      clusterName: 'shop',
      registryName: 'k3d-registry.localhost',
      registryPort: 5123,
    });
  });

  it.each([
    ['metadata:\n  name: --all\n', 'metadata.name', '"--all" is not a k3d cluster name'],
    ['metadata:\n  name: 42\n', 'metadata.name', '42 is not a k3d cluster name'],
    ['metadata:\n  name: my_cluster\n', 'metadata.name', '"my_cluster" is not a k3d cluster name'],
    ['registries:\n  create:\n    name: --all\n', 'registries.create.name', '"--all" is not a k3d registry name'],
  ])('refuses a name k3d would refuse, naming the file and key: %j', async (text, keyPath, message) => {
    const file = k3dConfig(text);
    const read = await readK3dConfig(new NodeFileSystem(), file);
    expect(read).toMatchObject({ severity: 'error', code: 'k3d-config-invalid', file, keyPath });
    expect(read && 'message' in read && read.message).toContain(message);
  });
});
