// Reads a binary .deb from a stream, enforcing dpkg's member rules: 'debian-binary' (format 2.x) first,
// then control.tar*, then data.tar*; members whose name starts with '_' may appear anywhere after the first
// and are skipped; anything else is an error. Maintainer scripts are recorded, never executed.
// Invariants: one pass over the stream, no seeking; readDebControl stops (and closes the source) right
// after control.tar; every error is PithError('invalid', …) whose message starts with `where`.
import type { ReadEntry } from '../tar/index.ts';
import { type ContentCache, collect } from '../util/index.ts';
import { type ArMember, readAr } from './ar.ts';
import { type DebControl, parseControlTar } from './control-tar.ts';
import { debError } from './deb-error.ts';
import { readDataMember, readTarMember, type TarMemberKind, tarMemberKind } from './tar-member.ts';

/** A whole package: its metadata and its file system entries. */
export interface DebContents {
  control: DebControl;
  /** Every data.tar entry in archive order, paths normalised (root './' as ''), file data in memory. */
  entries: ReadEntry[];
}

const MAX_VERSION_SIZE = 1024;

/**
 * Reads a .deb (with `cache`, members decoded before are read decoded: tar-member.ts): 'debian-binary' first and of major version 2, then control.tar{,.gz,.xz,.zst}, then
 * data.tar{,.gz,.xz,.zst}; '_'-prefixed members are ignored. Decompression follows the member's extension,
 * cross-checked with its magic bytes. Throws PithError('invalid') with BAD_AR, BAD_DEB_VERSION,
 * BAD_DEB_MEMBER, BAD_DEB_CONTROL, BAD_DEB_COMPRESSION, UNSUPPORTED_DEB_COMPRESSION (bzip2, lzma), or the
 * tar/decompressor code (BAD_TAR, BAD_XZ, BAD_GZIP, BAD_ZSTD); `where` (the package file) leads the message.
 */
export async function readDeb(
  source: AsyncIterable<Buffer>,
  where: string,
  opts: { cache?: ContentCache } = {},
): Promise<DebContents> {
  const members = new MemberCursor(source, where);
  try {
    const control = await readControlPart(members, where, opts.cache);
    const entries = await readDataMember(await members.expect('data'), where, opts.cache);
    await members.expectEnd();
    return { control, entries };
  } finally {
    await members.close();
  }
}

/** Reads only 'debian-binary' and control.tar (cheap metadata inspection); the rest is never read. */
export async function readDebControl(source: AsyncIterable<Buffer>, where: string): Promise<DebControl> {
  const members = new MemberCursor(source, where);
  try {
    return await readControlPart(members, where);
  } finally {
    await members.close();
  }
}

async function readControlPart(
  members: MemberCursor,
  where: string,
  cache?: ContentCache,
): Promise<DebControl> {
  await checkVersion(await members.first(), where);
  return parseControlTar(await collect(readTarMember(await members.expect('control'), where, cache)), where);
}

/** Accepts 'debian-binary' holding "2.<minor>\n" (dpkg reads any 2.x). */
async function checkVersion(member: ArMember, where: string): Promise<void> {
  if (member.size > MAX_VERSION_SIZE) {
    throw debError('BAD_DEB_VERSION', where, `debian-binary is ${member.size} bytes, expected "2.0\\n"`);
  }
  const text = Buffer.concat(await collect(member.body)).toString('latin1');
  if (!/^2\.\d+\n/.test(text)) {
    const said = JSON.stringify(text.split('\n')[0]);
    throw debError('BAD_DEB_VERSION', where, `unsupported package format ${said} (only 2.x, "2.0\\n")`, {
      version: text,
    });
  }
}

/** Walks the ar members in dpkg's order, skipping '_' members after the first. */
class MemberCursor {
  private readonly it: AsyncIterator<ArMember>;
  private readonly where: string;
  private seen: TarMemberKind | null = null;

  constructor(source: AsyncIterable<Buffer>, where: string) {
    this.it = readAr(source, where)[Symbol.asyncIterator]();
    this.where = where;
  }

  /** The first member, which must be 'debian-binary'. */
  async first(): Promise<ArMember> {
    const r = await this.it.next();
    if (r.done) throw this.bad('the archive has no members');
    if (r.value.name !== 'debian-binary') {
      throw this.bad(`the first member is ${r.value.name}, not debian-binary`, r.value.name);
    }
    return r.value;
  }

  /** The next non-'_' member, which must be `kind`'s tar. */
  async expect(kind: TarMemberKind): Promise<ArMember> {
    const m = await this.nextCritical();
    if (!m) throw this.bad(`there is no ${kind}.tar member`);
    const found = tarMemberKind(m.name);
    if (found !== kind) {
      const why = found === 'control' ? 'a second control member' : `${kind}.tar was expected`;
      throw this.bad(`unexpected member ${m.name} (${why})`, m.name);
    }
    this.seen = kind;
    return m;
  }

  /** Checks that only '_' members follow. */
  async expectEnd(): Promise<void> {
    const m = await this.nextCritical();
    if (m) throw this.bad(`unexpected member ${m.name} after ${this.seen}.tar`, m.name);
  }

  /** Stops reading (closes the source). */
  async close(): Promise<void> {
    await this.it.return?.();
  }

  private async nextCritical(): Promise<ArMember | null> {
    for (;;) {
      const r = await this.it.next();
      if (r.done) return null;
      if (!r.value.name.startsWith('_')) return r.value;
    }
  }

  private bad(message: string, member?: string) {
    return debError('BAD_DEB_MEMBER', this.where, message, member === undefined ? {} : { member });
  }
}
