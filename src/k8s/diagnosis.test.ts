import { describe, expect, it } from 'vitest';
import { classifyPull, diagnosePod, missingReference, summarizeFailure } from './diagnosis.ts';
import { event, pod } from './pod-fixtures.test-support.ts';

const img = 'k3d-registry.localhost:5000/web:devloop-1';

function pull(message: string, reason = 'ErrImagePull') {
  return diagnosePod(pod({ status: { state: { waiting: { reason, message } } } }), []);
}

describe('diagnosePod: image pulls', () => {
  it('tells a missing tag from the containerd message', () => {
    const f = pull(`failed to pull and unpack image "${img}": failed to resolve reference "${img}": ${img}: not found`);
    expect(f).toMatchObject({ reason: 'image-pull-not-found', image: img, container: 'app', pod: 'web-7d4b9c-x2x9z' });
    expect(f && 'fix' in f && f.fix).toContain('not in the registry');
  });

  it('reads the detail from the Failed event when the pod only says Back-off', () => {
    const f = diagnosePod(
      pod({ status: { state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${img}"` } } } }),
      [
        event({ reason: 'Pulling', type: 'Normal', message: `Pulling image "${img}"` }),
        event({
          reason: 'Failed',
          message: `Failed to pull image "${img}": rpc error: code = NotFound desc = failed to pull and unpack image "${img}": failed to resolve reference "${img}": ${img}: not found`,
        }),
      ],
    );
    expect(f?.reason).toBe('image-pull-not-found');
    expect(f?.message).toContain('NotFound desc');
  });

  it.each([
    [
      'image-pull-unauthorized',
      'failed to pull and unpack image "ghcr.io/acme/api:1": failed to resolve reference "ghcr.io/acme/api:1": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aacme%2Fapi%3Apull: 401 Unauthorized',
    ],
    [
      'image-pull-unauthorized',
      'Error response from daemon: pull access denied for acme/api, repository does not exist or may require authorization',
    ],
    [
      'image-pull-name-unresolved',
      'failed to do request: Head "https://registry.local:5000/v2/web/manifests/devloop-1": dial tcp: lookup registry.local on 10.43.0.10:53: no such host',
    ],
    [
      'image-pull-http-vs-https',
      'failed to do request: Head "https://localhost:5000/v2/web/manifests/devloop-1": http: server gave HTTP response to HTTPS client',
    ],
    [
      'image-pull-registry-down',
      'failed to do request: Head "https://k3d-registry.localhost:5000/v2/web/manifests/devloop-1": dial tcp 172.18.0.2:5000: connect: connection refused',
    ],
    ['image-pull-registry-down', 'failed to do request: Head "https://10.1.2.3:5000/v2/": dial tcp 10.1.2.3:5000: i/o timeout'],
    ['image-pull-not-found', 'rpc error: code = NotFound desc = failed to pull and unpack image: manifest unknown'],
    ['image-pull-failed', 'something nobody has seen before'],
  ])('classifies %s', (reason, message) => {
    expect(classifyPull({ pod: 'p', container: 'app', image: img, message }).reason).toBe(reason);
  });

  it('names the unresolved host', () => {
    const f = classifyPull({
      pod: 'p',
      container: 'app',
      image: img,
      message: 'dial tcp: lookup registry.local on 10.43.0.10:53: no such host',
    });
    expect(f).toMatchObject({ reason: 'image-pull-name-unresolved', host: 'registry.local' });
  });

  it('blames the pull policy of an imported image before the registry', () => {
    const image = 'web:latest';
    const p = pod({
      image,
      pullPolicy: 'Always',
      status: {
        state: {
          waiting: {
            reason: 'ErrImagePull',
            message: 'failed to pull and unpack image "docker.io/library/web:latest": pull access denied',
          },
        },
      },
    });
    const f = diagnosePod(p, [], { importedImages: new Set([image]) });
    expect(f).toMatchObject({ reason: 'image-pull-policy-forces-pull', pullPolicy: 'Always', image });
    expect(f && 'fix' in f ? f.fix : '').toContain('IfNotPresent');
    expect(diagnosePod(p, [])?.reason).toBe('image-pull-unauthorized');
  });

  it('reports ErrImageNeverPull as not found on the node', () => {
    expect(pull('Container image "web:dev" is not present with pull policy of Never', 'ErrImageNeverPull')?.reason).toBe(
      'image-pull-not-found',
    );
  });

  it('reports InvalidImageName', () => {
    const f = pull(
      'Failed to apply default image tag "Web:Dev": couldn\'t parse image name "Web:Dev": invalid reference format: repository name must be lowercase',
      'InvalidImageName',
    );
    expect(f?.reason).toBe('invalid-image-name');
  });
});

describe('diagnosePod: containers that do not run', () => {
  it('reports a crash loop with the last exit code', () => {
    const f = diagnosePod(
      pod({
        status: {
          restartCount: 2,
          state: {
            waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=app pod=web-7d4b9c-x2x9z_dev(uid)' },
          },
          lastState: {
            terminated: { exitCode: 3, reason: 'Error', startedAt: '2026-11-23T10:00:01Z', finishedAt: '2026-11-23T10:00:01Z' },
          },
        },
      }),
      [],
    );
    expect(f).toMatchObject({ reason: 'crash-loop', exitCode: 3, restartCount: 2, container: 'app', lastLines: [] });
    expect(f && summarizeFailure(f)).toBe('container app of pod web-7d4b9c-x2x9z exited with code 3 (2 restarts)');
  });

  it('names the missing ConfigMap', () => {
    const f = diagnosePod(
      pod({ status: { state: { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "app-config" not found' } } } }),
      [],
    );
    expect(f).toMatchObject({ reason: 'create-container-config-error', missing: { kind: 'ConfigMap', name: 'app-config' } });
  });

  it('names a missing Secret key', () => {
    expect(missingReference("couldn't find key PASSWORD in Secret dev/db")).toEqual({ kind: 'Secret', name: 'db', key: 'PASSWORD' });
    expect(missingReference('secret "db" not found')).toEqual({ kind: 'Secret', name: 'db' });
  });

  it('reports a container the runtime cannot start', () => {
    const f = diagnosePod(
      pod({
        status: {
          state: {
            waiting: {
              reason: 'CreateContainerError',
              message: 'failed to create containerd task: exec: "/app": stat /app: no such file or directory',
            },
          },
        },
      }),
      [],
    );
    expect(f?.reason).toBe('container-start-error');
  });

  it('waits while the container is being created', () => {
    expect(diagnosePod(pod({}), [])).toBeUndefined();
  });

  it('reports an unschedulable pod', () => {
    const f = diagnosePod(
      pod({
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message:
              '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
          },
        ],
        status: { state: { waiting: { reason: 'ContainerCreating' } } },
      }),
      [],
    );
    expect(f).toMatchObject({ reason: 'unschedulable' });
    expect(f?.message).toContain('Insufficient memory');
  });
});

describe('diagnosePod: probes', () => {
  const running = { state: { running: { startedAt: '2026-11-23T10:00:00Z' } }, started: true, ready: false };
  const probe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1, failureThreshold: 3 };
  const unhealthy = (count: number) =>
    event({
      reason: 'Unhealthy',
      count,
      message: 'Readiness probe failed: Get "http://10.42.0.9:8080/healthz": dial tcp 10.42.0.9:8080: connect: connection refused',
    });

  it('tolerates the first failures', () => {
    expect(diagnosePod(pod({ status: running, readinessProbe: probe }), [unhealthy(2)])).toBeUndefined();
  });

  it('fails with the probe message after failureThreshold failures', () => {
    const f = diagnosePod(pod({ status: running, readinessProbe: probe }), [unhealthy(3)]);
    expect(f).toMatchObject({ reason: 'readiness-probe-failing', probe: 'readiness', failures: 3, container: 'app' });
    expect(f?.message).toContain('connection refused');
  });

  it('ignores probe failures of other pods and of a container that became ready', () => {
    expect(
      diagnosePod(pod({ status: running }), [event({ pod: 'other', reason: 'Unhealthy', count: 9, message: 'Readiness probe failed: x' })]),
    ).toBeUndefined();
    expect(diagnosePod(pod({ status: { ...running, ready: true }, ready: true }), [unhealthy(5)])).toBeUndefined();
  });
});
