/**
 * The small part of Docker's shell lexer that COPY, ADD, FROM, ARG and ENV
 * use: words split on unquoted whitespace, quotes removed, the escape
 * character honoured, and `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR:+word}`,
 * `${VAR-word}`, `${VAR+word}` expanded from the variables in scope.
 * Single quotes suppress expansion, as in Docker.
 */
export type Variables = ReadonlyMap<string, string>;

/** Options for `splitWords` and `expandWord`. */
export interface LexOptions {
  readonly variables: Variables;
  /** The Dockerfile's escape character, `\` unless a parser directive says otherwise. */
  readonly escape: string;
}

/** Splits shell-form arguments into words, expanding variables. */
export function splitWords(text: string, options: LexOptions): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      if (inWord && (current !== '' || quoted)) words.push(current);
      current = '';
      inWord = false;
      quoted = false;
      i++;
      continue;
    }
    inWord = true;
    if (ch === options.escape) {
      current += text[i + 1] ?? '';
      i += 2;
    } else if (ch === "'") {
      quoted = true;
      const end = text.indexOf("'", i + 1);
      const stop = end === -1 ? text.length : end;
      current += text.slice(i + 1, stop);
      i = stop + 1;
    } else if (ch === '"') {
      quoted = true;
      i++;
      while (i < text.length && text[i] !== '"') {
        const c = text[i] as string;
        if (c === options.escape && (text[i + 1] === '"' || text[i + 1] === '$' || text[i + 1] === options.escape)) {
          current += text[i + 1];
          i += 2;
        } else if (c === '$') {
          const [value, next] = expandAt(text, i, options);
          current += value;
          i = next;
        } else {
          current += c;
          i++;
        }
      }
      i++;
    } else if (ch === '$') {
      const [value, next] = expandAt(text, i, options);
      current += value;
      i = next;
    } else {
      current += ch;
      i++;
    }
  }
  if (inWord && (current !== '' || quoted)) words.push(current);
  return words;
}

/** Expands variables in one word (a JSON-form element, a flag value), keeping whitespace. */
export function expandWord(word: string, options: LexOptions): string {
  let out = '';
  let i = 0;
  while (i < word.length) {
    const ch = word[i] as string;
    if (ch === options.escape && word[i + 1] === '$') {
      out += '$';
      i += 2;
    } else if (ch === '$') {
      const [value, next] = expandAt(word, i, options);
      out += value;
      i = next;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** True when the text refers to a variable. */
export function hasVariables(text: string): boolean {
  return /\$(\{|[A-Za-z_])/.test(text);
}

function expandAt(text: string, start: number, options: LexOptions): [string, number] {
  const next = text[start + 1];
  if (next === '{') {
    const close = findClose(text, start + 2);
    const body = text.slice(start + 2, close);
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(body);
    if (!match) return ['', close + 1];
    const [, name = '', operator, word = ''] = match;
    const value = options.variables.get(name);
    const set = value !== undefined;
    const nonEmpty = set && value !== '';
    switch (operator) {
      case ':-':
        return [nonEmpty ? (value as string) : expandWord(word, options), close + 1];
      case '-':
        return [set ? (value as string) : expandWord(word, options), close + 1];
      case ':+':
        return [nonEmpty ? expandWord(word, options) : '', close + 1];
      case '+':
        return [set ? expandWord(word, options) : '', close + 1];
      default:
        return [value ?? '', close + 1];
    }
  }
  const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(start + 1));
  if (!match) return ['$', start + 1];
  return [options.variables.get(match[0]) ?? '', start + 1 + match[0].length];
}

function findClose(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return text.length;
}
