import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTemplate, templatesDir } from './templates.ts';

describe('templates', () => {
  it('are found in the templates/ folder of the package', () => {
    const dir = templatesDir();
    expect(path.resolve(dir)).toBe(path.resolve(import.meta.dirname, '../../templates'));
    for (const file of ['devloop.config.ts', 'k3d-cluster.yaml', 'k8s/app.yaml', 'python/Dockerfile', 'node/Dockerfile', 'go/Dockerfile']) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
  });

  it('fill every {{key}}, with or without spaces, numbers as text', () => {
    expect(
      renderTemplate('FROM {{baseImage}}\nEXPOSE {{ port }}\n# {{baseImage}} again', { baseImage: 'python:3.12-slim', port: 8080 }),
    ).toBe('FROM python:3.12-slim\nEXPOSE 8080\n# python:3.12-slim again');
  });

  it('leave text that only looks like a placeholder, and values that contain braces, as they are', () => {
    expect(renderTemplate('{{ 1x }} {{}} $HOME {{name}}', { name: '{{port}}' })).toBe('{{ 1x }} {{}} $HOME {{port}}');
  });

  it('refuse to write a half-filled file, naming the template and every placeholder without a value', () => {
    expect(() => renderTemplate('{{name}} {{port}} {{cluster}} {{port}}', { name: 'web' }, 'templates/k8s/app.yaml')).toThrow(
      'templates/k8s/app.yaml: no value for {{port}}, {{cluster}}',
    );
  });
});
