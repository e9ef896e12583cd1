import { fileURLToPath } from 'node:url';

/**
 * The `templates/` folder shipped with the package. It sits two levels above
 * this file both in `src/onboard/` and in the built `dist/onboard/`.
 */
export function templatesDir(): string {
  return fileURLToPath(new URL('../../templates/', import.meta.url));
}

/** Values a template's `{{key}}` placeholders are replaced with. */
export type TemplateValues = Readonly<Record<string, string | number>>;

/**
 * Fills `{{key}}` placeholders. A placeholder without a value is a bug in
 * devloop (templates and callers ship together), so it throws rather than
 * writing a half-filled file.
 */
export function renderTemplate(text: string, values: TemplateValues, name = 'template'): string {
  const missing = new Set<string>();
  const out = text.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9]*)\s*\}\}/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) {
      missing.add(key);
      return '';
    }
    return String(value);
  });
  if (missing.size > 0) throw new Error(`${name}: no value for ${[...missing].map((k) => `{{${k}}}`).join(', ')}`);
  return out;
}
