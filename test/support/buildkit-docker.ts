import { execFileSync } from 'node:child_process';

/**
 * How these tests build with BuildKit on this machine: through `docker
 * buildx` when the docker on PATH has it, otherwise with a docker CLI older
 * than 23 (Debian's docker.io, which the test environment installs), whose
 * `DOCKER_BUILDKIT=1 docker build` uses the engine's own BuildKit — newer
 * CLIs refuse BuildKit without buildx. Throws when there is neither, so a
 * test that needs BuildKit fails instead of passing on the classic builder.
 */
export function buildkitDocker(): { readonly buildx: true } | { readonly buildx: false; readonly cli: string } {
  try {
    execFileSync('docker', ['buildx', 'version'], { stdio: 'pipe' });
    return { buildx: true };
  } catch {
    // no buildx on PATH: look for a CLI with BuildKit built in
  }
  const found = execFileSync('sh', ['-c', 'which -a docker || true'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const cli of new Set([...found, '/usr/bin/docker'])) {
    try {
      const version = execFileSync(cli, ['version', '--format', '{{.Client.Version}}'], { encoding: 'utf8', stdio: 'pipe' });
      if (Number(version.split('.')[0]) < 23) return { buildx: false, cli };
    } catch {
      // not usable
    }
  }
  throw new Error('no docker CLI here builds with BuildKit (no buildx, no CLI older than 23)');
}
