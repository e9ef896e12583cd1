/** The public API: what `devloop.config.ts` imports. */

export type {
  BuildConfig,
  BuildSecretConfig,
  ClusterConfig,
  DeliveryMode,
  DevloopConfig,
  ImageConfig,
  PortForwardConfig,
  ResourceConfig,
  WatchConfig,
  WorkloadKind,
} from './config/types.ts';
export { defineConfig } from './config/types.ts';
