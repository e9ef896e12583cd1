/**
 * BuildKit's progress as the Docker Engine API streams it during a BuildKit
 * build (`{"id":"moby.buildkit.trace","aux":"<base64>"}`): each aux is a
 * protobuf `moby.buildkit.v1.StatusResponse`. Only the fields devloop shows
 * are read: vertices (the steps), and their log lines.
 */
export interface BuildkitStatus {
  readonly vertexes: readonly BuildkitVertex[];
  readonly logs: readonly BuildkitLog[];
}

export interface BuildkitVertex {
  readonly digest: string;
  /** `[2/4] COPY site/ /srv/`, `[internal] load build context`, … */
  readonly name: string;
  readonly cached: boolean;
  /** Epoch milliseconds; undefined until it happened. */
  readonly started: number | undefined;
  readonly completed: number | undefined;
  readonly error: string | undefined;
}

export interface BuildkitLog {
  readonly vertex: string;
  readonly timestamp: number | undefined;
  readonly data: Uint8Array;
}

/** Decodes one StatusResponse; fields it does not read are skipped. Throws on bytes that are not protobuf. */
export function decodeStatus(bytes: Uint8Array): BuildkitStatus {
  const vertexes: BuildkitVertex[] = [];
  const logs: BuildkitLog[] = [];
  for (const field of fields(bytes)) {
    if (field.number === 1 && field.bytes) vertexes.push(decodeVertex(field.bytes));
    else if (field.number === 3 && field.bytes) logs.push(decodeLog(field.bytes));
  }
  return { vertexes, logs };
}

function decodeVertex(bytes: Uint8Array): BuildkitVertex {
  let digest = '';
  let name = '';
  let cached = false;
  let started: number | undefined;
  let completed: number | undefined;
  let error: string | undefined;
  for (const f of fields(bytes)) {
    if (f.number === 1 && f.bytes) digest = text(f.bytes);
    else if (f.number === 3 && f.bytes) name = text(f.bytes);
    else if (f.number === 4) cached = f.varint !== 0;
    else if (f.number === 5 && f.bytes) started = timestamp(f.bytes);
    else if (f.number === 6 && f.bytes) completed = timestamp(f.bytes);
    else if (f.number === 7 && f.bytes) error = text(f.bytes) || undefined;
  }
  return { digest, name, cached, started, completed, error };
}

function decodeLog(bytes: Uint8Array): BuildkitLog {
  let vertex = '';
  let at: number | undefined;
  let data: Uint8Array = new Uint8Array();
  for (const f of fields(bytes)) {
    if (f.number === 1 && f.bytes) vertex = text(f.bytes);
    else if (f.number === 2 && f.bytes) at = timestamp(f.bytes);
    else if (f.number === 4 && f.bytes) data = f.bytes;
  }
  return { vertex, timestamp: at, data };
}

/** google.protobuf.Timestamp as epoch milliseconds. */
function timestamp(bytes: Uint8Array): number {
  let seconds = 0;
  let nanos = 0;
  for (const f of fields(bytes)) {
    if (f.number === 1) seconds = f.varint;
    else if (f.number === 2) nanos = f.varint;
  }
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

const decoder = new TextDecoder();
const text = (bytes: Uint8Array) => decoder.decode(bytes);

interface Field {
  readonly number: number;
  /** Varint value (wire type 0); 0 for other types. */
  readonly varint: number;
  /** Length-delimited value (wire type 2). */
  readonly bytes: Uint8Array | undefined;
}

/** The top-level fields of a protobuf message, in order. */
function* fields(bytes: Uint8Array): Generator<Field> {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (at >= bytes.length) throw new Error('protobuf: truncated varint');
      const byte = bytes[at++] as number;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield { number, varint: varint(), bytes: undefined };
    else if (wire === 2) {
      const length = varint();
      if (at + length > bytes.length) throw new Error('protobuf: truncated field');
      yield { number, varint: 0, bytes: bytes.subarray(at, at + length) };
      at += length;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw new Error(`protobuf: unknown wire type ${wire}`);
  }
}
