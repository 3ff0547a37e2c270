// The members a `files:` tarball puts in the image, read from its verified bytes: decompressed as its
// first bytes say (gzip, xz, zstd or none; bzip2 is refused), read with pith's tar reader, each name
// stripped of `stripComponents` leading components exactly as GNU tar's --strip-components counts them (on
// the name as the archive spells it, so a leading ./ is a component), then kept or left out by the
// include/exclude patterns (.dockerignore syntax, case-sensitive, on the stripped name). A path written
// twice keeps its first position and its last content, as extraction leaves it. Refused, naming the
// member: an absolute name or link, a .. component anywhere in one (GNU tar skips such members; an
// archive holding one is hostile or broken), devices and FIFOs, a hard link to a member that is not kept,
// and more than MAX_MEMBERS members or MAX_UNPACKED_BYTES of file data (checked before a member's data is
// read, so a decompression bomb stops early). Extended attributes are not kept, as GNU tar without --xattrs.
import dockerignore from '@balena/dockerignore';
import { decompress, detectCompression, unxz } from '../compress/index.ts';
import { type FieldPath, fieldError, fieldSystemError } from '../config/index.ts';
import { normalizeImagePath, type StreamedEntry, streamTar } from '../tar/index.ts';
import { isPithError } from '../util/index.ts';

/** One member as it lands below dst: its stripped, normalised path and what the archive says of it. */
export interface Member {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  mode: number;
  mtime: number;
  size: number;
  /** symlink: the target as written; hardlink: the stripped path of the file it links to (undefined: stripped away). */
  linkTarget?: string | undefined;
  data?: Buffer;
}

export interface MemberOptions {
  stripComponents?: number | undefined;
  include?: readonly string[] | undefined;
  exclude?: readonly string[] | undefined;
}

/** Where errors are reported: the config field of the entry, and the archive's name for messages. */
export interface TarballAt {
  ctx: { where: (path: FieldPath) => string };
  /** The entry's index in `files`. */
  i: number;
  /** The tarball as the entry names it (a URL already redacted). */
  name: string;
}

/** More members than this is refused (the tree holds each one). */
export const MAX_MEMBERS = 1_000_000;
/** More file data than this (uncompressed) is refused: it is held in memory until the layer is written. */
export const MAX_UNPACKED_BYTES = 4 * 1024 ** 3;

const ignore = dockerignore as unknown as typeof dockerignore.default;

/** The members of the archive `bytes` that the entry keeps, in archive order. */
export async function tarballMembers(bytes: Buffer, opts: MemberOptions, at: TarballAt): Promise<Member[]> {
  const byPath = new Map<string, Member>();
  for (const m of await unpack(bytes, opts.stripComponents ?? 0, at)) byPath.set(m.path, m);
  return select(byPath, opts, at);
}

/** Every member with a name left after stripping, checked. */
async function unpack(bytes: Buffer, strip: number, at: TarballAt): Promise<Member[]> {
  const out: Member[] = [];
  let count = 0;
  let unpacked = 0;
  for await (const e of entries(bytes, at)) {
    if (++count > MAX_MEMBERS)
      throw tooLarge(at, `has more than ${MAX_MEMBERS.toLocaleString('en')} members`);
    const name = e.names?.path ?? e.path;
    checkName(name, at);
    const type = memberType(e, name, at);
    const path = stripped(name, strip);
    if (path === undefined || path === '') continue;
    const m: Member = { path, type, mode: e.mode, mtime: e.mtime, size: type === 'file' ? e.size : 0 };
    if (type === 'symlink') m.linkTarget = e.linkTarget;
    if (type === 'hardlink') m.linkTarget = hardlinkTarget(e.names?.linkTarget ?? '', name, strip, at);
    if (type === 'file') {
      unpacked += e.size;
      if (unpacked > MAX_UNPACKED_BYTES)
        throw tooLarge(at, `holds more than ${MAX_UNPACKED_BYTES / 1024 ** 3} GiB of file data`);
      m.data = await readBody(e, at);
    }
    out.push(m);
  }
  return out;
}

/** The archive's entries with their names as written; a corrupt stream is an error at the entry. */
async function* entries(bytes: Buffer, at: TarballAt): AsyncIterable<StreamedEntry> {
  const kind = detectCompression(bytes.subarray(0, 6));
  if (kind === 'bzip2') {
    throw fieldError(
      at.ctx,
      ['files', at.i, 'tarball'],
      'UNSUPPORTED_COMPRESSION',
      `${at.name} is bzip2-compressed, which pith does not read; use a .tar.gz, .tar.xz or .tar.zst (e.g. bunzip2 -c | xz)`,
    );
  }
  const source = kind === 'xz' ? unxz(once(bytes)) : decompress(once(bytes), kind);
  try {
    yield* streamTar(source, { names: true });
  } catch (err) {
    throw unreadable(err, at);
  }
}

async function readBody(e: StreamedEntry, at: TarballAt): Promise<Buffer> {
  const parts: Buffer[] = [];
  try {
    for await (const piece of e.body) parts.push(piece);
  } catch (err) {
    throw unreadable(err, at);
  }
  return Buffer.concat(parts);
}

/** A decoding failure (corrupt gzip/xz/zstd, a broken tar header) as one line at the entry. */
function unreadable(err: unknown, at: TarballAt): unknown {
  const field = ['files', at.i, 'tarball'] as const;
  if (isPithError(err)) return fieldError(at.ctx, field, err.code, `${at.name}: ${err.message}`, err);
  return fieldSystemError(at.ctx, field, `unpack ${at.name}`, err);
}

function memberType(e: StreamedEntry, name: string, at: TarballAt): Member['type'] {
  if (e.type === 'file' || e.type === 'dir' || e.type === 'symlink' || e.type === 'hardlink') return e.type;
  const what = { char: 'a character device', block: 'a block device', fifo: 'a FIFO' }[e.type];
  throw refused(
    at,
    `member ${name} is ${what}; an image gets only files, directories and links from a tarball`,
  );
}

/** Refuses an absolute name and any `..` component (before stripping: it could hide in the stripped part). */
function checkName(name: string, at: TarballAt, which = `member ${name}`): void {
  if (name.startsWith('/')) throw refused(at, `${which} is an absolute name`);
  if (name.split('/').includes('..')) throw refused(at, `${which} has a .. component`);
}

function hardlinkTarget(link: string, member: string, strip: number, at: TarballAt): string | undefined {
  checkName(link, at, `member ${member} links to ${link}, which`);
  const path = stripped(link, strip);
  return path === undefined || path === '' ? undefined : path;
}

/**
 * `name` without its first `n` components, normalised, as GNU tar's stripped_prefix_len counts them: runs
 * of '/' separate components and a leading '.' is one. Undefined when the name has no more than `n`.
 */
export function stripped(name: string, n: number): string | undefined {
  let p = 0;
  for (let left = n; left > 0; ) {
    const slash = name.indexOf('/', p);
    if (slash < 0) return undefined;
    p = slash + 1;
    while (name[p] === '/') p++;
    left--;
  }
  return normalizeImagePath(`./${name.slice(p)}`);
}

/** The members include/exclude keep, with the directories above them that the archive has. */
function select(byPath: Map<string, Member>, opts: MemberOptions, at: TarballAt): Member[] {
  const include = opts.include && matcher(opts.include, 'include', at);
  const exclude = opts.exclude && matcher(opts.exclude, 'exclude', at);
  const kept = new Set<string>();
  for (const p of byPath.keys()) if ((include?.(p) ?? true) && !(exclude?.(p) ?? false)) kept.add(p);
  for (const p of [...kept]) {
    for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1))
      if (byPath.get(p.slice(0, i))?.type === 'dir') kept.add(p.slice(0, i));
  }
  const out = [...byPath.values()].filter((m) => kept.has(m.path));
  for (const m of out) if (m.type === 'hardlink') m.linkTarget = linkedFile(m, byPath, kept, at);
  return out;
}

/** The kept file a hard link ends at (following links to links); refused when there is none. */
function linkedFile(m: Member, byPath: Map<string, Member>, kept: Set<string>, at: TarballAt): string {
  let target = m.linkTarget;
  for (let hops = 0; target !== undefined && hops < byPath.size; hops++) {
    const t = kept.has(target) ? byPath.get(target) : undefined;
    if (t?.type === 'file') return target;
    target = t?.type === 'hardlink' ? t.linkTarget : undefined;
  }
  const to = m.linkTarget === undefined ? 'a member stripComponents removes' : m.linkTarget;
  throw refused(
    at,
    `member ${m.path} is a hard link to ${to}, which is not a file kept from this tarball (see stripComponents, include and exclude)`,
  );
}

/** Whether a stripped name matches one of `patterns`, or lies below a directory that does. */
function matcher(
  patterns: readonly string[],
  key: 'include' | 'exclude',
  at: TarballAt,
): (path: string) => boolean {
  try {
    const rules = ignore({ ignorecase: false }).add([...patterns]);
    rules.ignores('probe'); // a bad pattern fails when it is first compiled
    return (path) => rules.ignores(path);
  } catch (cause) {
    throw fieldError(at.ctx, ['files', at.i, key], 'BAD_PATTERN', `not a valid pattern: ${String(cause)}`);
  }
}

function refused(at: TarballAt, why: string) {
  return fieldError(
    at.ctx,
    ['files', at.i, 'tarball'],
    'TARBALL_MEMBER_REFUSED',
    `${at.name}: ${why}`,
    undefined,
    'invalid',
  );
}

function tooLarge(at: TarballAt, why: string) {
  return fieldError(
    at.ctx,
    ['files', at.i, 'tarball'],
    'TARBALL_TOO_LARGE',
    `${at.name} ${why}, over pith's limit`,
    undefined,
    'invalid',
  );
}

async function* once(bytes: Buffer): AsyncIterable<Buffer> {
  yield bytes;
}
