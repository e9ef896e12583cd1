import { describe, expect, it } from 'vitest';
import { type DeliveryError, deliveryDiagnostic } from './delivery-error.ts';

const examples: DeliveryError[] = [
  { reason: 'context-not-local', context: 'prod', remote: { role: 'server', kind: 'remote-address', host: '10.0.0.1' } },
  { reason: 'registry-unreachable', host: 'localhost:5999', detail: 'connection refused (nothing listens there)' },
  { reason: 'registry-name-unresolvable', host: 'k3d-registry.localhost:5000', suggestion: 'localhost:5000' },
  { reason: 'registry-name-unresolvable', host: 'nope.invalid:5000', suggestion: undefined },
  { reason: 'registry-missing', cluster: 'dev' },
  { reason: 'remote-registry-missing', context: 'staging' },
  { reason: 'k3d-not-installed' },
  { reason: 'cluster-not-found', cluster: 'dev', known: ['devx'] },
  { reason: 'cluster-stopped', cluster: 'dev', serversRunning: 0, serversCount: 1 },
  { reason: 'image-missing', image: 'api:1', detail: 'No such image' },
  { reason: 'push-failed', image: 'api:1', pushRef: 'localhost:5000/api:1', detail: 'x' },
  { reason: 'import-failed', image: 'api:1', cluster: 'dev', detail: 'x' },
  { reason: 'import-partial', image: 'api:1', cluster: 'dev', missingOn: ['k3d-dev-agent-1'], presentOn: ['k3d-dev-server-0'] },
  { reason: 'node-unreadable', node: 'k3d-dev-agent-1', detail: 'x' },
  { reason: 'latest-tag', image: 'api:latest' },
  { reason: 'cancelled', image: 'api:1' },
];

describe('deliveryDiagnostic', () => {
  it('names only the host of a remote context, and masks credentials in tool output', () => {
    const local = deliveryDiagnostic({
      reason: 'context-not-local',
      context: 'prod',
      remote: { role: 'server', kind: 'remote-address', host: '10.0.0.1' },
    });
    expect(local.message).toContain('10.0.0.1');
    const push = deliveryDiagnostic({ reason: 'push-failed', image: 'a:1', pushRef: 'r/a:1', detail: 'denied: token=abc123 rejected' });
    expect(JSON.stringify([local, push])).not.toMatch(/hunter2|abc123/);
  });

  it('gives every failure a message and a fix', () => {
    for (const error of examples) {
      const d = deliveryDiagnostic(error);
      expect(d.code).toBe(error.reason);
      expect(d.message.length).toBeGreaterThan(10);
      expect(d.hint?.length ?? 0).toBeGreaterThan(10);
    }
  });

  it('names the specific fixes', () => {
    const [, unreachable, unresolvable, , , , k3d, , stopped, , , , partial] = examples.map(deliveryDiagnostic);
    expect(unreachable?.message).toContain('localhost:5999');
    expect(unresolvable?.hint).toContain("registry: 'localhost:5000'");
    expect(k3d?.hint).toContain('https://k3d.io');
    expect(stopped?.hint).toBe('start it: k3d cluster start dev');
    expect(partial?.message).toContain('missing on k3d-dev-agent-1');
  });
});
