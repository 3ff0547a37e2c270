// The tar members of a .deb (control.tar*, data.tar*): compression chosen by the name's extension and
// cross-checked against the magic bytes, then parsed with the tar reader.
// Invariants: the whole compressed member is decoded even after the tar end-of-archive marker, so a broken
// xz/gzip/zstd check at the end is never missed; every error names the package and the member.
// With a cache (util's ContentCache), a member's decoded bytes are kept under the sha256 of its compressed
// bytes and read from there next time: decoding xz (a child process per member) is most of reading a .deb,
// and a warm build reads every .deb again. Only a member that decoded without error is kept. A data member
// kept there is read in place (readDataMember): its entries' file data stays in the cache file, streamed into
// a layer or read when asked for, so a build never holds its packages' files.
import { createHash } from 'node:crypto';
import { detectCompression, gunzip, unxz, unzstd } from '../compress/index.ts';
import { type ReadEntry, readTar, readTarFile } from '../tar/index.ts';
import { type ContentCache, coalesce, collect, isPithError, oneChunk } from '../util/index.ts';
import type { ArMember } from './ar.ts';
import { debError, inMember } from './deb-error.ts';

/** The part of a package a tar member holds. */
export type TarMemberKind = 'control' | 'data';

type Codec = 'none' | 'gzip' | 'xz' | 'zstd';

const CODECS: Record<string, Codec | 'bzip2' | 'lzma'> = {
  '': 'none',
  '.gz': 'gzip',
  '.xz': 'xz',
  '.zst': 'zstd',
  '.bz2': 'bzip2',
  '.lzma': 'lzma',
};
const FAILURE_CODE: Record<Codec, string> = {
  none: 'BAD_TAR',
  gzip: 'BAD_GZIP',
  xz: 'BAD_XZ',
  zstd: 'BAD_ZSTD',
};
const MAGIC_BYTES = 6;

/** 'control' or 'data' for a name like 'data.tar.xz' (any extension), else null. */
export function tarMemberKind(name: string): TarMemberKind | null {
  if (name === 'control.tar' || name.startsWith('control.tar.')) return 'control';
  if (name === 'data.tar' || name.startsWith('data.tar.')) return 'data';
  return null;
}

/**
 * The entries of a control.tar* or data.tar* member, in archive order. Throws PithError('invalid', …)
 * naming `where` and the member: UNSUPPORTED_DEB_COMPRESSION (bzip2, lzma), BAD_DEB_MEMBER (unknown
 * extension), BAD_DEB_COMPRESSION (extension and magic bytes disagree), BAD_GZIP/BAD_XZ/BAD_ZSTD/BAD_TAR.
 */
export async function* readTarMember(
  member: ArMember,
  where: string,
  cache?: ContentCache,
): AsyncIterable<ReadEntry> {
  const codec = codecOf(member.name, where);
  yield* entriesOf(member, codec, await decode(member, codec, where, cache), where);
}

/** The entries of a member's decoded bytes; the whole stream is decoded, so that its checks are verified. */
async function* entriesOf(
  member: ArMember,
  codec: Codec,
  bytes: AsyncIterable<Buffer>,
  where: string,
): AsyncIterable<ReadEntry> {
  const decoded = bytes[Symbol.asyncIterator]();
  try {
    // readTar closes its source at the end-of-archive marker; keep ours open to decode the rest.
    yield* readTar({ [Symbol.asyncIterator]: () => ({ next: () => decoded.next() }) });
    while (!(await decoded.next()).done) {
      // the tar's record padding: decoded only so the compressed stream's checks are verified
    }
  } catch (err) {
    throw inMember(err, where, member.name, FAILURE_CODE[codec]);
  } finally {
    await decoded.return?.();
  }
}

/**
 * The entries of a data.tar* member. With a cache, its decoded bytes are streamed to (or found in) the cache
 * and its entries' data stays there (readTarFile); without one, or if the cache cannot be written, they are
 * read into memory as readTarMember reads them.
 */
export async function readDataMember(
  member: ArMember,
  where: string,
  cache?: ContentCache,
): Promise<ReadEntry[]> {
  const codec = codecOf(member.name, where);
  const { head, stream } = await peek(member.body, MAGIC_BYTES);
  checkMagic(member, codec, head, where);
  if (!cache || codec === 'none')
    return collect(entriesOf(member, codec, codec === 'none' ? stream : decoder(codec)(stream), where));
  const compressed = Buffer.concat(await collect(stream));
  const name = memberName(compressed);
  const kept = await keptEntries(name, cache);
  if (kept) return kept;
  let file: string;
  try {
    file = await cache.putNamedStream(name, coalesce(decodeBytes(codec, compressed)));
  } catch (err) {
    if (isPithError(err) && err.code === 'CACHE_UNWRITABLE')
      return collect(entriesOf(member, codec, decodeBytes(codec, compressed), where));
    throw inMember(err, where, member.name, FAILURE_CODE[codec]);
  }
  try {
    return await readTarFile(file);
  } catch (err) {
    throw inMember(err, where, member.name, 'BAD_TAR');
  }
}

/**
 * The entries of a member decoded before, from its cache file, hashed as they are read unless the cache
 * knows the file unchanged since it last hashed right (readChecked): undefined if there is none, if it
 * cannot be read, or if it does not hash to its name or does not parse (then `holds` checks it again and
 * removes it if it is still that bad file, so that it is made again).
 */
async function keptEntries(name: string, cache: ContentCache): Promise<ReadEntry[] | undefined> {
  const found = await cache.namedFile(name);
  if (!found) return undefined;
  let entries: ReadEntry[] | undefined;
  try {
    entries = await cache.readChecked(found.sha256, found.size, (tap) =>
      readTarFile(found.path, tap ? { tap } : {}),
    );
  } catch (err) {
    if (!(isPithError(err) && err.code === 'BAD_TAR')) return undefined; // unreadable now: made again
  }
  if (entries) return entries;
  await cache.holds(found.sha256, found.size);
  return undefined;
}

/** The cache name of a member's decoded bytes: the sha256 of its compressed bytes. */
function memberName(compressed: Buffer): string {
  return `deb-member/v1/${createHash('sha256').update(compressed).digest('hex')}`;
}

function codecOf(name: string, where: string): Codec {
  const ext = name.slice(name.indexOf('.tar') + 4);
  const codec = CODECS[ext];
  if (codec === 'bzip2' || codec === 'lzma') {
    throw debError(
      'UNSUPPORTED_DEB_COMPRESSION',
      where,
      `${name}: ${codec} compression is not supported (Debian uses xz, zstd or gzip)`,
      { member: name },
    );
  }
  if (codec === undefined) {
    throw debError('BAD_DEB_MEMBER', where, `${name}: unknown compression extension ${ext}`, {
      member: name,
    });
  }
  return codec;
}

/** The member's decompressed bytes, after checking its magic against the extension. */
async function decode(
  member: ArMember,
  codec: Codec,
  where: string,
  cache?: ContentCache,
): Promise<AsyncIterable<Buffer>> {
  const { head, stream } = await peek(member.body, MAGIC_BYTES);
  checkMagic(member, codec, head, where);
  if (codec === 'none') return stream;
  return cache ? cachedDecode(stream, codec, cache) : decoder(codec)(stream);
}

/** Throws unless the member's first bytes are of the compression its name says. */
function checkMagic(member: ArMember, codec: Codec, head: Buffer, where: string): void {
  const found = detectCompression(head);
  if (found !== codec) {
    throw debError(
      'BAD_DEB_COMPRESSION',
      where,
      `${member.name}: the name says ${codec} but the data is ${found === 'none' ? 'not compressed' : found}`,
      { member: member.name, expected: codec, found },
    );
  }
}

function decoder(codec: Exclude<Codec, 'none'>): (s: AsyncIterable<Buffer>) => AsyncIterable<Buffer> {
  return codec === 'gzip' ? gunzip : codec === 'xz' ? unxz : unzstd;
}

/** A whole compressed member decoded (xz knows its size: a small one needs no child process). */
function decodeBytes(codec: Exclude<Codec, 'none'>, compressed: Buffer): AsyncIterable<Buffer> {
  return codec === 'xz'
    ? unxz(oneChunk(compressed), { size: compressed.length })
    : decoder(codec)(oneChunk(compressed));
}

/** Decoded bytes from the cache, else decoded now (and kept); lazy, so failures surface while reading. */
async function* cachedDecode(
  stream: AsyncIterable<Buffer>,
  codec: Exclude<Codec, 'none'>,
  cache: ContentCache,
): AsyncIterable<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c);
  const compressed = Buffer.concat(parts);
  const name = memberName(compressed);
  const hit = await cache.getNamed(name);
  if (hit) {
    yield hit;
    return;
  }
  const out: Buffer[] = [];
  for await (const c of decodeBytes(codec, compressed)) out.push(c);
  const decoded = Buffer.concat(out);
  await cache.putNamed(name, decoded).catch(() => {}); // a cache that cannot be written only costs speed
  yield decoded;
}

/** The first `n` bytes of a stream (fewer if it is shorter) and the whole stream, still unread. */
async function peek(
  source: AsyncIterable<Buffer>,
  n: number,
): Promise<{ head: Buffer; stream: AsyncIterable<Buffer> }> {
  const it = source[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < n && !done) {
    const r = await it.next();
    if (r.done) done = true;
    else length += first[first.push(r.value) - 1]!.length;
  }
  async function* stream(): AsyncIterable<Buffer> {
    try {
      yield* first;
      for (let r = done ? null : await it.next(); r && !r.done; r = await it.next()) yield r.value;
    } finally {
      await it.return?.();
    }
  }
  return { head: Buffer.concat(first).subarray(0, n), stream: stream() };
}
