import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../graph/dockerfile-model.ts';
import { secretArgs, secretBuildArgsInConfig } from './secret-build-arg.ts';

describe('secret-build-arg', () => {
  it('points secret-looking ARGs of a Dockerfile at BuildKit secrets, with file:line, never echoing a default', () => {
    const model = parseDockerfile({
      text: 'ARG BASE_IMAGE=busybox\nFROM $BASE_IMAGE\nARG NPM_TOKEN\nARG VERSION=1 DB_PASSWORD=hunter2\nARG MIRROR=https://u:pw@m.test/\nRUN true\n',
      file: 'api/Dockerfile',
    });
    const findings = secretArgs({ model, target: undefined, devloopRepositories: new Set(), image: 'api' });
    expect(findings.map((f) => `${f.file}:${f.line} ${f.message.split(':')[0]}`)).toEqual([
      'api/Dockerfile:3 ARG NPM_TOKEN looks like a secret',
      'api/Dockerfile:4 ARG DB_PASSWORD looks like a secret',
      'api/Dockerfile:5 ARG MIRROR looks like a secret',
    ]);
    expect(findings[0]?.fix).toContain("images.api.secrets.npm_token: { env: 'NPM_TOKEN' }");
    expect(findings[0]?.fix).toContain('RUN --mount=type=secret,id=npm_token');
    expect(JSON.stringify(findings)).not.toMatch(/hunter2|pw@/);
  });

  it('points secret-looking config build args at the config line that sets them, the personal file first', () => {
    const findings = secretBuildArgsInConfig({
      image: 'api',
      buildArgs: { NPM_TOKEN: 'x', VERSION: '1', KEY_ID: 'AKIAIOSFODNN7EXAMPLE' },
      files: [
        { display: 'devloop.local.config.ts', text: "export default {\n  images: { api: { buildArgs: { NPM_TOKEN: 'x' } } },\n};\n" },
        { display: 'devloop.config.ts', text: 'export default {\n  images: {\n    api: {\n      buildArgs: { "KEY_ID": "A" },\n' },
      ],
    });
    expect(findings.map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual([
      'devloop.local.config.ts:2 secret-build-arg',
      'devloop.config.ts:4 secret-build-arg',
    ]);
    expect(findings[0]?.message).toContain('images.api.buildArgs.NPM_TOKEN');
    expect(JSON.stringify(findings)).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });
});
