import type { Diagnostic } from '../core/diagnostic.ts';
import type { Result } from '../core/result.ts';
import type { RegistryClient } from '../deliver/registry-client.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { HostLookup } from '../system/host-lookup.ts';
import type { ProcessRunner } from '../system/process-runner.ts';
import type { KubeConnect } from './cluster-verify.ts';
import type { KubeContexts } from './kube-connect.ts';

/**
 * What `devloop up` would watch for the configured images: the watcher's
 * roots and its ignore function (directories it prunes are not walked).
 */
export interface WatchDemand {
  readonly roots: readonly string[];
  readonly ignored: (absolutePath: string, kind: 'file' | 'directory' | 'unknown') => boolean;
}

/** Every check doctor runs, in the order it prints them. */
export const doctorCheckIds = [
  'docker',
  'builder',
  'k3d',
  'kube-context',
  'kube-api',
  'registry-host',
  'registry-cluster',
  'localhost-dns',
  'inotify',
  'node',
  'dockerfile-lint',
] as const;

export type DoctorCheckId = (typeof doctorCheckIds)[number];

/** One line of doctor's answer: passed or not, what was seen, and what to do. */
export interface DoctorCheck {
  readonly id: DoctorCheckId;
  readonly ok: boolean;
  readonly detail: string;
  /** What to run or change; set when the check fails, sometimes as advice when it passes. */
  readonly fix: string | undefined;
}

/** Lints one Dockerfile; the build module's lints, behind a small interface. */
export type DockerfileLinter = (input: {
  readonly file: string;
  readonly text: string;
  readonly contextDir: string;
}) => Promise<readonly Diagnostic[]>;

/** The Dockerfiles of the configured images, when a config was loaded. */
export interface DoctorImage {
  readonly name: string;
  readonly dockerfile: string;
  readonly context: string;
}

/**
 * Everything doctor looks at, injected so each check runs against fakes in
 * unit tests and the real machine in the command.
 */
export interface DoctorProbes {
  readonly runner: ProcessRunner;
  readonly fs: FileSystem;
  /** `process.version` of the running Node. */
  readonly nodeVersion: string;
  /** Resolves a host name to addresses (dns.lookup): the localhost-dns check and the local-context rule. */
  readonly lookup: HostLookup;
  readonly registryClient: RegistryClient;
  readonly kubeContexts: () => Promise<Result<KubeContexts, string>>;
  readonly connect: KubeConnect;
  readonly lint: DockerfileLinter | undefined;
  /** The engine's Unix socket small contexts are built through (see `engineSocket`); undefined when builds go through the CLI. */
  readonly engineSocket?: () => Promise<string | undefined>;
}

/** What doctor knows from devloop.config.ts (or the defaults when there is none). */
export interface DoctorTarget {
  /** Context asked for by config or flag; undefined means the kubeconfig's current one. */
  readonly context: string | undefined;
  readonly allowContexts: readonly string[];
  /** k3d cluster name. */
  readonly cluster: string;
  /** `cluster.k3d.registry` when set. */
  readonly registry: string | undefined;
  readonly images: readonly DoctorImage[];
  /** Why there are no images to lint, e.g. no config file. */
  readonly configNote: string | undefined;
  /** What `devloop up` would watch, when a config was loaded: the inotify check counts its directories. */
  readonly watch?: WatchDemand;
}
