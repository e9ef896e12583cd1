import { describe, expect, it } from 'vitest';
import { isSecretKey, looksSecret, mask, redactText, secretValues } from './redact.ts';

describe('isSecretKey', () => {
  it.each([
    'NPM_TOKEN',
    'token',
    'DB_PASSWORD',
    'db_passwd',
    'MY_SECRET',
    'API_KEY',
    'apiKey',
    'AWS_SECRET_ACCESS_KEY',
    'GITHUB_AUTH',
    'private_key',
    'REGISTRY_CREDENTIALS',
    'SSH_KEY',
    'DB_PASS',
    'Authorization',
    'X-Amz-Signature',
    'accesstoken',
  ])('%s is secret', (name) => expect(isSecretKey(name)).toBe(true));

  it.each(['BASE_IMAGE', 'NODE_VERSION', 'HTTP_PROXY', 'monkey', 'KEYBOARD_LAYOUT', 'author', 'PASSAGE', 'context', 'env', 'file', 'rule'])(
    '%s is not secret',
    (name) => expect(isSecretKey(name)).toBe(false),
  );
});

describe('looksSecret', () => {
  it.each([
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
    'AKIAIOSFODNN7EXAMPLE',
    'xoxb-1234567890-abcdefghij',
    'https://user:pass@example.com/repo.git',
    'glpat-aBcDeFgHiJkLmNoPqRsT',
    'sk-proj-a1B2c3D4e5F6g7H8i9J0kLmN',
    'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL',
    'q8Xk2LmZ7vR4tYp1Wn9sDf3Gh6Jc0Bb5Ae',
  ])('%s looks secret', (value) => expect(looksSecret(value)).toBe(true));

  it.each([
    'sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1',
    '4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5',
    'hello-web:devloop-0123456789ab',
    '/tmp/devloop-secrets-AbC123xyz/app/Dockerfile',
    'examples/hello/app/Dockerfile',
    'ThisIsAVeryLongCamelCaseIdentifierName1',
    'node:24-alpine',
    'production',
    '3f1c2d4e-9a8b-4c7d-8e6f-5a4b3c2d1e0f',
    'https://example.com/path?page=2',
    'hello-web-7d9f8b6c5-x2k8q',
    'k3d-registry.localhost:5000',
  ])('%s does not look secret', (value) => expect(looksSecret(value)).toBe(false));
});

describe('redactText', () => {
  it('masks URL credentials, keeping the host', () => {
    expect(redactText('server https://admin:hunter2@10.0.0.5:6443 refused')).toBe(`server https://${mask}@10.0.0.5:6443 refused`);
  });

  it('masks secret query parameters only', () => {
    expect(redactText('GET https://h/x?page=2&access_token=abc123&X-Amz-Signature=ff00')).toBe(
      `GET https://h/x?page=2&access_token=${mask}&X-Amz-Signature=${mask}`,
    );
  });

  it('masks secret assignments, quoted or not', () => {
    expect(redactText('--build-arg NPM_TOKEN=abcdef BASE_IMAGE=node:24')).toBe(`--build-arg NPM_TOKEN=${mask} BASE_IMAGE=node:24`);
    expect(redactText(`ENV DB_PASSWORD="hunter 2"`)).toBe(`ENV DB_PASSWORD="${mask}"`);
  });

  it('masks bearer tokens, private key blocks and well-known tokens', () => {
    expect(redactText('Authorization: Bearer abcdefgh12345678')).toBe(`Authorization: Bearer ${mask}`);
    expect(redactText('-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----')).toBe(
      `-----BEGIN RSA PRIVATE KEY----- ${mask}`,
    );
    expect(redactText('using ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 now')).toBe(`using ${mask} now`);
    expect(redactText('key id AKIAIOSFODNN7EXAMPLE.')).toBe(`key id ${mask}.`);
  });

  it('masks known values anywhere, but not values too short to be told from ordinary text', () => {
    expect(redactText('#5 echo hunter2-pw > /x', ['hunter2-pw'])).toBe(`#5 echo ${mask} > /x`);
    expect(redactText('a b c', ['a'])).toBe('a b c');
  });

  it('keeps a JSON line valid JSON', () => {
    const event = {
      event: 'build-output',
      line: 'ENV NPM_TOKEN="abc" URL=https://u:p@h/x?token=t -----BEGIN RSA PRIVATE KEY-----\nMIIE',
      n: 1,
    };
    const masked = redactText(JSON.stringify(event));
    expect(JSON.parse(masked)).toMatchObject({ event: 'build-output', n: 1 });
    expect(masked).not.toMatch(/u:p@|token=t|MIIE/);
  });

  it('leaves ordinary output alone', () => {
    const lines = [
      '#5 [2/4] RUN npm ci',
      'writing image sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1 done',
      'error: devloop.config.ts: images.api.buildArgs.NPM_TOKEN: expected a string, got number',
      'warning secret-build-arg: Dockerfile:3: ARG NPM_TOKEN looks secret',
      '[hello] ready in 1.2s (edit-to-ready)',
    ];
    for (const line of lines) expect(redactText(line)).toBe(line);
  });
});

describe('secretValues', () => {
  it('picks the secret values of a record', () => {
    expect(secretValues({ NPM_TOKEN: 'abcd', BASE: 'node:24', X: 'AKIAIOSFODNN7EXAMPLE' })).toEqual(['abcd', 'AKIAIOSFODNN7EXAMPLE']);
  });
});
