/** ANSI styles that collapse to plain text when colour is off (NO_COLOR, pipes, CI). */
export interface Colors {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const identity = (text: string) => text;

/** Colour functions, real or identity. */
export function colors(enabled: boolean): Colors {
  if (!enabled) {
    return {
      red: identity,
      green: identity,
      yellow: identity,
      blue: identity,
      cyan: identity,
      magenta: identity,
      dim: identity,
      bold: identity,
    };
  }
  return {
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    blue: wrap(34, 39),
    cyan: wrap(36, 39),
    magenta: wrap(35, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** Colour is on for a terminal unless NO_COLOR is set (any value) or FORCE_COLOR=0. */
export function colorEnabled(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return isTTY && env.TERM !== 'dumb';
}
