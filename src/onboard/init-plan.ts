import * as path from 'node:path';
import { unreachable } from '../core/unreachable.ts';
import type { FileSystem } from '../system/file-system.ts';
import { onboardDefaults, parseRegistryAddress } from './names.ts';
import type { DetectedProject } from './project-detect.ts';
import { renderTemplate, type TemplateValues } from './templates.ts';

/** What init asked or was told. Every field is filled before planning. */
export interface InitAnswers {
  /** Resource, Deployment and Service name. */
  readonly name: string;
  /** devloop image name (also the repository pushed to). */
  readonly image: string;
  readonly port: number;
  readonly healthPath: string;
  /** `FROM` of the (first) stage. */
  readonly baseImage: string;
  /** Go only: the final stage's image. */
  readonly runtimeImage: string;
  /** k3d cluster name. */
  readonly cluster: string;
  /** Registry `name:port` the cluster is created with. */
  readonly registry: string;
}

/** One file init would write, relative to the project. */
export interface PlannedFile {
  readonly path: string;
  readonly content: string;
  /** Shown beside the path: why the file is there. */
  readonly purpose: string;
}

/** Reads a file under `templates/` by its relative path. */
export type TemplateReader = (relativePath: string) => Promise<string>;

/** A `TemplateReader` over the file system. */
export function templateReader(fs: FileSystem, dir: string): TemplateReader {
  return (relativePath) => fs.readText(path.join(dir, relativePath));
}

/**
 * The files `devloop init` writes for a project, filled from the templates:
 * Dockerfile, .dockerignore, the Kubernetes manifest, the k3d cluster config
 * and devloop.config.ts. Pure apart from reading the templates.
 */
export async function planInitFiles(options: {
  readonly project: DetectedProject;
  readonly answers: InitAnswers;
  readonly readTemplate: TemplateReader;
}): Promise<PlannedFile[]> {
  const { project, answers, readTemplate } = options;
  const registry = parseRegistryAddress(answers.registry) ?? parseRegistryAddress(onboardDefaults.registry);
  const values: TemplateValues = {
    name: answers.name,
    image: answers.image,
    port: answers.port,
    healthPath: answers.healthPath,
    baseImage: answers.baseImage,
    runtimeImage: answers.runtimeImage,
    cluster: answers.cluster,
    registry: answers.registry,
    registryName: registry?.name ?? 'k3d-registry.localhost',
    registryPort: registry?.port ?? 5000,
    ...dockerfileValues(project, answers),
  };
  const fill = async (template: string) => renderTemplate(await readTemplate(template), values, `templates/${template}`);
  return [
    { path: 'Dockerfile', content: await fill(`${project.kind}/Dockerfile`), purpose: `${project.kind} image, dependencies cached first` },
    { path: '.dockerignore', content: await fill('.dockerignore'), purpose: 'keeps .git, secrets and caches out of the build' },
    { path: `k8s/${answers.name}.yaml`, content: await fill('k8s/app.yaml'), purpose: 'Deployment + Service with probes' },
    { path: 'k3d-cluster.yaml', content: await fill('k3d-cluster.yaml'), purpose: `k3d cluster ${answers.cluster} with a registry` },
    { path: 'devloop.config.ts', content: await fill('devloop.config.ts'), purpose: 'what `devloop up` builds and deploys' },
  ];
}

/** The Dockerfile parts that depend on what detection found. */
function dockerfileValues(project: DetectedProject, answers: InitAnswers): TemplateValues {
  switch (project.kind) {
    case 'python':
      return {
        installDependencies:
          project.dependencies === 'requirements.txt'
            ? 'COPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt'
            : [
                'COPY pyproject.toml ./',
                '# Only the declared dependencies, so this layer does not depend on the code.',
                `RUN python -c "import subprocess, sys, tomllib; deps = tomllib.load(open('pyproject.toml', 'rb')).get('project', {}).get('dependencies', []); deps and subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--no-cache-dir', *deps])"`,
              ].join('\n'),
        command: execForm(pythonCommand(project.entry, project.fastapi, answers.port)),
      };
    case 'node':
      return { command: execForm(['node', project.entry]) };
    case 'go':
      return { package: project.mainPackage };
    default:
      return unreachable(project);
  }
}

/** `fastapi run` for FastAPI apps (FastAPI's own production command), plain `python` otherwise. */
function pythonCommand(entry: string, fastapi: boolean, port: number): string[] {
  if (fastapi) return ['fastapi', 'run', entry, '--port', String(port)];
  return ['python', entry];
}

/** A JSON array is exactly Docker's exec form. */
function execForm(argv: readonly string[]): string {
  return JSON.stringify(argv).replace(/","/g, '", "');
}
