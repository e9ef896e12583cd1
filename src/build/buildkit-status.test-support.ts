import type { BuildkitLog, BuildkitVertex } from './buildkit-status.ts';

/** Encodes a StatusResponse the way BuildKit does (the fields `decodeStatus` reads), for tests. */
export function encodeStatus(status: { vertexes?: Partial<BuildkitVertex>[]; logs?: Partial<BuildkitLog>[] }): Uint8Array {
  const out: number[] = [];
  for (const v of status.vertexes ?? []) lengthField(out, 1, vertex(v));
  for (const l of status.logs ?? []) lengthField(out, 3, log(l));
  return Uint8Array.from(out);
}

function vertex(v: Partial<BuildkitVertex>): number[] {
  const out: number[] = [];
  if (v.digest) lengthField(out, 1, [...Buffer.from(v.digest)]);
  lengthField(out, 2, [...Buffer.from('sha256:input')]); // an input, which the decoder skips
  if (v.name) lengthField(out, 3, [...Buffer.from(v.name)]);
  if (v.cached) varintField(out, 4, 1);
  if (v.started !== undefined) lengthField(out, 5, timestamp(v.started));
  if (v.completed !== undefined) lengthField(out, 6, timestamp(v.completed));
  if (v.error) lengthField(out, 7, [...Buffer.from(v.error)]);
  return out;
}

function log(l: Partial<BuildkitLog>): number[] {
  const out: number[] = [];
  if (l.vertex) lengthField(out, 1, [...Buffer.from(l.vertex)]);
  if (l.timestamp !== undefined) lengthField(out, 2, timestamp(l.timestamp));
  varintField(out, 3, 1);
  if (l.data) lengthField(out, 4, [...l.data]);
  return out;
}

function timestamp(ms: number): number[] {
  const out: number[] = [];
  varintField(out, 1, Math.floor(ms / 1000));
  varintField(out, 2, (ms % 1000) * 1e6);
  return out;
}

function varintField(out: number[], field: number, value: number): void {
  varint(out, field * 8);
  varint(out, value);
}

function lengthField(out: number[], field: number, bytes: number[]): void {
  varint(out, field * 8 + 2);
  varint(out, bytes.length);
  out.push(...bytes);
}

function varint(out: number[], value: number): void {
  let v = value;
  while (v >= 128) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}
