/** One regular file of an archive (or, `directory`, an empty-content directory entry): its path, content and permission bits. */
export interface TarEntry {
  readonly path: string;
  readonly content: Uint8Array;
  /** Permission bits, e.g. `0o644`. */
  readonly mode: number;
  readonly directory?: boolean;
}

const block = 512;

/**
 * A POSIX tar stream of regular files, for `tar -x -C / -f -` in a container
 * (busybox and GNU tar both read it). Paths are stored relative to `/`; a
 * path too long for the ustar header goes in a PAX header before it. Owner
 * 0:0, as a plain COPY gives; a non-root tar keeps its own user anyway.
 */
export function tarArchive(entries: readonly TarEntry[], mtime: Date = new Date()): Uint8Array {
  const parts: Uint8Array[] = [];
  const seconds = Math.floor(mtime.getTime() / 1000);
  for (const entry of entries) {
    const name = entry.path.replace(/^\/+/, '') + (entry.directory ? '/' : '');
    const fits = splitName(name);
    if (!fits) {
      const record = paxRecord('path', name);
      parts.push(header({ name: 'PaxHeader', size: record.length, mode: 0o644, mtime: seconds, type: 'x' }), padded(record));
    }
    const { prefix, base } = fits ?? { prefix: '', base: name.slice(-100) };
    if (entry.directory) {
      parts.push(header({ name: base, prefix, size: 0, mode: entry.mode & 0o7777, mtime: seconds, type: '5' }));
      continue;
    }
    parts.push(header({ name: base, prefix, size: entry.content.length, mode: entry.mode & 0o7777, mtime: seconds, type: '0' }));
    parts.push(padded(entry.content));
  }
  parts.push(new Uint8Array(block * 2));
  return concat(parts);
}

/** ustar's 155-byte prefix and 100-byte name, split at a `/`; undefined when the path does not fit. */
function splitName(name: string): { prefix: string; base: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', base: name };
  for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const base = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(base) <= 100 && base !== '') return { prefix, base };
  }
  return undefined;
}

/** `"<len> key=value\n"`, where len counts itself. */
function paxRecord(key: string, value: string): Uint8Array {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body);
  length += String(length).length;
  if (String(length).length !== String(length - String(length).length).length) length += 1;
  return Buffer.from(`${length}${body}`);
}

function header(h: { name: string; prefix?: string; size: number; mode: number; mtime: number; type: string }): Uint8Array {
  const buf = Buffer.alloc(block);
  buf.write(h.name, 0, 100, 'utf8');
  octal(buf, h.mode, 100, 8);
  octal(buf, 0, 108, 8);
  octal(buf, 0, 116, 8);
  octal(buf, h.size, 124, 12);
  octal(buf, h.mtime, 136, 12);
  buf.fill(' ', 148, 156);
  buf.write(h.type, 156, 1, 'ascii');
  buf.write('ustar\u000000', 257, 8, 'ascii');
  buf.write('root', 265, 32, 'ascii');
  buf.write('root', 297, 32, 'ascii');
  if (h.prefix) buf.write(h.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of buf) sum += byte;
  buf.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return buf;
}

function octal(buf: Buffer, value: number, offset: number, length: number): void {
  buf.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'ascii');
}

function padded(content: Uint8Array): Uint8Array {
  const rest = content.length % block;
  return rest === 0 ? content : concat([content, new Uint8Array(block - rest)]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}
