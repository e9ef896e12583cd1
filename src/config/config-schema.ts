import { k3dClusterNamePattern, k3dClusterNameText } from '../core/k3d-name.ts';
import type { Schema } from './schema.ts';

const nameRule = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;
const nameText = 'lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit';
/** Local commands share one namespace with resources (dependsOn, log panes): their names follow the resources' rule. */
const localNameRule = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const localNameText = 'lowercase letters, digits or "-", starting and ending with a letter or digit';
const stringList: Schema = { type: 'array', items: { type: 'string' } };
const port: Schema = { type: 'number', integer: true, min: 1, max: 65535 };
const namespaceName: Schema = { type: 'string', pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, patternText: 'a valid namespace name' };
const somePath: Schema = { type: 'string', pattern: /\S/, patternText: 'a path' };

/** A glob, `{ helm: { chart, … } }` or `{ kustomize: 'dir' }`. */
const manifestEntry: Schema = {
  type: 'union',
  description: "a file glob, { helm: { chart: 'dir' } } or { kustomize: 'dir' }",
  options: [
    { type: 'string', pattern: /\S/, patternText: 'a file or glob' },
    {
      type: 'object',
      required: ['helm'],
      fields: {
        helm: {
          type: 'object',
          required: ['chart'],
          fields: {
            chart: somePath,
            releaseName: {
              type: 'string',
              pattern: /^(?=.{1,53}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
              patternText: 'a valid Helm release name (lowercase letters, digits, "-" or ".", at most 53 characters)',
            },
            namespace: namespaceName,
            values: { type: 'array', items: somePath },
            set: {
              type: 'record',
              values: {
                type: 'union',
                description: 'a string, number or boolean',
                options: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
              },
            },
          },
        },
      },
    },
    { type: 'object', required: ['kustomize'], fields: { kustomize: somePath } },
  ],
};

/** The schema of `devloop.config.ts`; keep in step with `types.ts` and the README's reference. */
export const configSchema: Schema = {
  type: 'object',
  fields: {
    images: {
      type: 'record',
      keyPattern: nameRule,
      keyText: nameText,
      values: {
        type: 'object',
        required: ['context'],
        fields: {
          context: { type: 'string' },
          dockerfile: { type: 'string' },
          target: { type: 'string' },
          buildArgs: { type: 'record', values: { type: 'string' } },
          secrets: {
            type: 'record',
            keyPattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
            keyText: 'letters, digits, ".", "_" or "-", starting with a letter or digit',
            values: {
              type: 'union',
              description: "{ env: 'VARIABLE' } or { file: 'path' }",
              options: [
                {
                  type: 'object',
                  required: ['env'],
                  fields: { env: { type: 'string', pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, patternText: 'an environment variable name' } },
                },
                { type: 'object', required: ['file'], fields: { file: { type: 'string', pattern: /./, patternText: 'a file path' } } },
              ],
            },
          },
          dependsOn: stringList,
          ignore: stringList,
          allowOutsideProject: { type: 'boolean' },
          sync: {
            type: 'union',
            description: "'infer' or a list of { from, to }",
            options: [
              { type: 'string', oneOf: ['infer'] },
              {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['from', 'to'],
                  fields: {
                    from: {
                      type: 'string',
                      pattern: /^(?!\/)(?!\.\.(\/|$))(?!.*\/\.\.(\/|$))/,
                      patternText: 'a path relative to the context, inside it',
                    },
                    to: { type: 'string', pattern: /^\/./, patternText: 'an absolute path in the container (not "/")' },
                  },
                },
              },
            ],
          },
          run: {
            type: 'array',
            items: {
              type: 'object',
              required: ['command'],
              fields: {
                command: { type: 'array', items: { type: 'string', pattern: /./, patternText: 'a non-empty word' } },
                when: stringList,
              },
            },
          },
          syncMode: { type: 'string', oneOf: ['auto', 'off'] },
          repository: {
            type: 'string',
            pattern: /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
            patternText: 'a valid image repository (lowercase path components, no tag)',
          },
        },
      },
    },
    manifests: { type: 'array', items: manifestEntry },
    resources: {
      type: 'record',
      keyPattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
      keyText: 'lowercase letters, digits or "-", starting and ending with a letter or digit',
      values: {
        type: 'object',
        fields: {
          workload: {
            type: 'object',
            fields: {
              kind: { type: 'string' },
              name: { type: 'string' },
              imagePaths: stringList,
            },
          },
          containers: { type: 'record', values: { type: 'string' } },
          dependsOn: stringList,
          portForwards: {
            type: 'array',
            items: {
              type: 'union',
              description: 'a port, "LOCAL:REMOTE" or { local, remote, container? }',
              options: [
                port,
                { type: 'string', pattern: /^\d{1,5}(:\d{1,5})?$/ },
                { type: 'object', required: ['local', 'remote'], fields: { local: port, remote: port, container: { type: 'string' } } },
              ],
            },
          },
          trigger: { type: 'string', oneOf: ['auto', 'manual'] },
        },
      },
    },
    local: {
      type: 'record',
      keyPattern: localNameRule,
      keyText: localNameText,
      values: {
        type: 'object',
        required: ['command'],
        fields: {
          command: { type: 'array', items: { type: 'string', pattern: /./, patternText: 'a non-empty word' } },
          deps: { type: 'array', items: { type: 'string', pattern: /\S/, patternText: 'a file or glob' } },
          serve: { type: 'boolean' },
          cwd: somePath,
          env: {
            type: 'record',
            keyPattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
            keyText: 'an environment variable name',
            values: { type: 'string' },
          },
          dependsOn: stringList,
          trigger: { type: 'string', oneOf: ['auto', 'manual'] },
        },
      },
    },
    cluster: {
      type: 'object',
      fields: {
        context: { type: 'string' },
        namespace: namespaceName,
        k3d: {
          type: 'object',
          fields: {
            name: { type: 'string', pattern: k3dClusterNamePattern, patternText: k3dClusterNameText },
            registry: {
              type: 'string',
              pattern: /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i,
              patternText: 'a registry host[:port] (no scheme, path or credentials; credentials belong in `docker login`)',
            },
          },
        },
        delivery: { type: 'string', oneOf: ['auto', 'registry', 'import'] },
        allowContexts: stringList,
      },
    },
    watch: {
      type: 'object',
      fields: {
        debounceMs: { type: 'number', integer: true, min: 0, max: 60_000 },
        ignore: stringList,
      },
    },
    build: {
      type: 'object',
      fields: { concurrency: { type: 'number', integer: true, min: 1, max: 64 } },
    },
  },
};
