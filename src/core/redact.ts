/**
 * Masking of secrets in everything devloop prints. A value is secret when its
 * key looks secret (`NPM_TOKEN`, `dbPassword`, `API_KEY`, …) or its content
 * does (a private key block, a JWT, a well-known token prefix, a long
 * high-entropy string, credentials in a URL). Pure and cheap, so it can run
 * on every output line, log lines included.
 */

/** What a masked value is replaced with. */
export const mask = '***';

/** Key parts that make a whole key secret when they appear as a word: `DB_PASS`, `X_AUTH`, `SSH_KEY`. */
const secretWords = new Set(['key', 'auth', 'pass', 'pwd', 'pat', 'creds', 'cred', 'jwt', 'bearer', 'cookie', 'salt', 'dsn']);
/** Fragments that make a key secret wherever they appear: `ACCESSTOKEN`, `apiKey`, `mysecretvalue`. */
const secretFragments = /token|passw(or)?d|secret|credential|apikey|privatekey|private|accesskey|signature|authorization|session/i;

/**
 * True when a variable, build-arg or parameter name says its value is a
 * secret: `NPM_TOKEN`, `DB_PASSWORD`, `apiKey`, `AWS_SECRET_ACCESS_KEY`,
 * `private_key`, `GITHUB_AUTH`. Case-insensitive, also as a part of the name.
 */
export function isSecretKey(name: string): boolean {
  if (secretFragments.test(name)) return true;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((w) => secretWords.has(w));
}

/** Tokens recognisable by their shape alone. */
const tokenShapes: readonly RegExp[] = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/, // JWT
  /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/, // GitHub
  /\bglpat-[A-Za-z0-9_-]{16,}/, // GitLab
  /\b(AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/, // AWS access key id
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/, // Slack
  /\b(sk|rk)[-_](?:(?:live|test|proj)[-_])?(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}/, // Stripe, OpenAI
  /\bnpm_[A-Za-z0-9]{30,}/,
  /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API key
  /\bhf_[A-Za-z0-9]{30,}/, // Hugging Face
  /\bdop_v1_[a-f0-9]{40,}/, // DigitalOcean
  /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/, // SendGrid
];

/** The same shapes (but the private key header, masked with its block) as one pattern, for replacing every match. */
const anyTokenShape = new RegExp(
  tokenShapes
    .slice(1)
    .map((shape) => `(?:${shape.source})`)
    .join('|'),
  'g',
);

/** A URL with userinfo: `scheme://user[:password]@`. */
const urlCredentials = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>\\]+@/gi;

/**
 * True when a value looks like a secret by its content alone: a private key,
 * a JWT, a token with a well-known prefix (ghp_, AKIA, xoxb-, …), a URL with
 * credentials, or a long high-entropy string.
 */
export function looksSecret(value: string): boolean {
  if (tokenShapes.some((shape) => shape.test(value))) return true;
  urlCredentials.lastIndex = 0;
  if (urlCredentials.test(value)) return true;
  return highEntropyWords(value).length > 0;
}

/** True when a `key: value` pair should be masked, by its key or its content. */
export function isSecretEntry(key: string, value: string): boolean {
  return isSecretKey(key) || looksSecret(value);
}

const wordPattern = /[A-Za-z0-9+/=_-]{32,}/g;

/**
 * Long words that look random: 32+ characters of a base64/base62 alphabet,
 * mixing upper case, lower case and digits, with a high character entropy
 * and no long lowercase runs (which identifiers have).
 * Hex (digests, commit ids) and paths are left alone.
 */
function highEntropyWords(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(wordPattern)) {
    const word = match[0];
    if (/^[0-9a-f_-]+$/i.test(word) || word.startsWith('/') || word.includes('//')) continue;
    if (!/[A-Z]/.test(word) || !/[a-z]/.test(word) || !/[0-9].*[0-9]/.test(word)) continue;
    // Identifiers are made of words: random strings have no long lowercase runs.
    if (/[a-z]{8}/.test(word)) continue;
    if (entropy(word) >= 4.2) found.push(word);
  }
  return found;
}

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * `NAME=value` pairs whose name looks secret; the value may be quoted. No
 * pattern here consumes a backslash or a quote it did not open, so masking a
 * JSON line leaves it valid JSON.
 */
const assignment = /(^|[^A-Za-z0-9_.-])([A-Za-z_][A-Za-z0-9_.-]*)(=)("[^"\\]*"|'[^'\\]*'|[^\s"',;&\\]+)/g;
/** Query parameters: `?token=…`, `&X-Amz-Signature=…`. */
const queryParam = /([?&])([A-Za-z0-9_.-]+)=([^&\s"'#\\]+)/g;
const bearer = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/g;
const privateKeyBlock =
  /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY( BLOCK)?)-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|(?=["'])|$)/g;

/**
 * Text with every secret-looking part masked: URL credentials
 * (`https://***@host`), secret query parameters, `TOKEN=***` assignments,
 * `Bearer ***`, private key blocks, well-known tokens, long high-entropy
 * words, and each of `known` (values devloop knows are secret, e.g. build
 * args with a secret name; values shorter than 4 characters are not searched
 * for, they would mask ordinary text).
 */
export function redactText(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const value of known) if (value.length >= 4 && out.includes(value)) out = out.split(value).join(mask);
  out = out.replace(privateKeyBlock, (_all, kind: string) => `-----BEGIN ${kind}----- ${mask}`);
  urlCredentials.lastIndex = 0;
  out = out.replace(urlCredentials, `$1${mask}@`);
  out = out.replace(queryParam, (all, sep: string, name: string) => (isSecretKey(name) ? `${sep}${name}=${mask}` : all));
  out = out.replace(assignment, (all, before: string, name: string, op: string, value: string) =>
    isSecretKey(name) && value !== mask && !value.startsWith(mask) && !isQuotedMask(value)
      ? `${before}${name}${op}${quoteLike(value)}`
      : all,
  );
  out = out.replace(bearer, `$1 ${mask}`);
  out = out.replace(anyTokenShape, mask);
  for (const word of highEntropyWords(out)) out = out.split(word).join(mask);
  return out;
}

function isQuotedMask(value: string): boolean {
  return value === `"${mask}"` || value === `'${mask}'`;
}

function quoteLike(value: string): string {
  const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
  return `${quote}${mask}${quote}`;
}

/** The values among `entries` that are secret by key or content, for `redactText`'s `known`. */
export function secretValues(entries: Readonly<Record<string, string>>): string[] {
  return Object.entries(entries)
    .filter(([key, value]) => isSecretEntry(key, value))
    .map(([, value]) => value);
}
