import type { DockerBuilder } from '../../build/docker-builder.ts';
import { unreachable } from '../../core/unreachable.ts';
import type { ComponentProbe } from '../../engine/ports.ts';
import type { ClusterDeliverer } from './cluster-deliverer.ts';
import type { KubeDeployer } from './kube-deployer.ts';

/**
 * The engine's `ComponentProbe` over the session's own clients, so a probe
 * asks exactly what the failed step asked: the push registry's `/v2/`, the
 * Docker engine the builds use, the API server of the configured context.
 */
export function sessionProbe(parts: { docker: DockerBuilder; deliverer: ClusterDeliverer; deployer: KubeDeployer }): ComponentProbe {
  return {
    answers: (component, signal) => {
      switch (component) {
        case 'registry':
          return parts.deliverer.registryAnswers();
        case 'docker':
          return parts.docker.answers(signal);
        case 'kube-api':
          return parts.deployer.apiAnswers();
        default:
          return unreachable(component);
      }
    },
  };
}
