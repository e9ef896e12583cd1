/**
 * What Dockerfile instructions read, apart from their text: the sources of a
 * COPY or ADD, the files a RUN's bind mounts see, and whether the file is
 * written for a frontend other than Docker's own (`# syntax=`).
 */

/** Where COPY/ADD reads from. */
export type CopyFrom =
  | { readonly kind: 'context' }
  | { readonly kind: 'stage'; readonly stage: number }
  | { readonly kind: 'image'; readonly image: string };

/** The part of a COPY or ADD that decides its cache key. */
export interface CopySpec {
  readonly from: CopyFrom;
  /** Expanded source paths as written (wildcards kept); URLs for ADD appear here too. */
  readonly sources: readonly string[];
  readonly destination: string;
  /** True for heredoc sources (`COPY <<EOF`), which read nothing from the context. */
  readonly inline: boolean;
}

export function copySpec(input: {
  flags: ReadonlyMap<string, string>;
  words: readonly string[];
  rest: string;
  stages: readonly { index: number; name: string | undefined }[];
  own: number;
}): CopySpec {
  const { flags, words, rest, stages, own } = input;
  const inline = rest.startsWith('<<');
  const sources = inline ? [] : words.slice(0, -1);
  const destination = words.at(-1) ?? '';
  const ref = flags.get('from');
  return { from: copyFrom(ref, stages, own), sources, destination, inline };
}

/**
 * What a RUN's bind mounts read (`--mount=type=bind`, BuildKit's default
 * mount type): files of the context, of an earlier stage or of an image, as
 * a COPY would, so they are inputs of that step. Cache, tmpfs, secret and
 * ssh mounts read nothing the layer cache compares. Mounts from different
 * places are modelled as reading the whole context, so a change is never
 * missed.
 */
export function bindMountSpec(
  mounts: readonly string[],
  stages: readonly { index: number; name: string | undefined }[],
  own: number,
): CopySpec | undefined {
  const binds = mounts
    .map(
      (mount) => new Map(mount.split(',').map((field) => [field.slice(0, field.indexOf('=') >>> 0), field.slice(field.indexOf('=') + 1)])),
    )
    .filter((fields) => (fields.get('type') ?? 'bind') === 'bind');
  if (binds.length === 0) return undefined;
  const froms = binds.map((fields) => copyFrom(fields.get('from'), stages, own));
  const sources = binds.map((fields) => fields.get('source') ?? fields.get('src') ?? '.');
  const destination = binds[0]?.get('target') ?? binds[0]?.get('dst') ?? binds[0]?.get('destination') ?? '';
  const same = froms.every((from) => JSON.stringify(from) === JSON.stringify(froms[0]));
  if (!same) return { from: { kind: 'context' }, sources: ['.'], destination, inline: false };
  return { from: froms[0] ?? { kind: 'context' }, sources, destination, inline: false };
}

/** `--from` names an earlier stage (by name or index) or else an image. */
function copyFrom(ref: string | undefined, stages: readonly { index: number; name: string | undefined }[], own: number): CopyFrom {
  if (ref === undefined) return { kind: 'context' };
  const stage = /^\d+$/.test(ref)
    ? stages.find((s) => s.index === Number(ref) && s.index < own)
    : stages.find((s) => s.name === ref.toLowerCase() && s.index < own);
  return stage ? { kind: 'stage', stage: stage.index } : { kind: 'image', image: ref };
}

/** The `# syntax=` parser directive: only in the comment lines that open the file. */
export function syntaxDirective(text: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const directive = /^\s*#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!directive) return undefined;
    if (directive[1]?.toLowerCase() === 'syntax') return directive[2];
  }
  return undefined;
}

/** Docker's own Dockerfile frontend (`docker/dockerfile:1`, `…:1.7-labs`, by digest): the language devloop models. */
export function isDockerfileFrontend(image: string): boolean {
  return /^(docker\.io\/)?docker\/dockerfile(-upstream)?(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/.test(image);
}
