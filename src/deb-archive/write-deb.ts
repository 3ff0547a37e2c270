// Test support: builds a valid binary .deb in memory (for hermetic tests and a fake Debian repository).
// Hand-written because dpkg-deb cannot run in every test environment; the output is checked against
// dpkg-deb --info/--contents/--extract in test/deb. No xz compressor exists in Node, so gzip/zstd/none only.
// Invariants: same options ⇒ same bytes; missing parent directories (and './') are added as root 0755 dirs;
// md5sums lists every regular file; scripts are 0755, other control files 0644.
import { createHash } from 'node:crypto';
import { type Compression, compress } from '../compress/index.ts';
import { type TarEntry, writeTar } from '../tar/index.ts';
import { writeAr } from './write-ar.ts';

/** What to put in the package. */
export interface BuildDebOptions {
  /** The `control` file text (one deb822 stanza, ending in '\n'). */
  control: string;
  /** data.tar entries (normalised paths, as for writeTar); file contents are read once. */
  files: TarEntry[];
  /** Control-member name (postinst, preinst, …) -> script text. */
  scripts?: Record<string, string>;
  /** Compression of control.tar and data.tar (default gzip). */
  compression?: 'gzip' | 'zstd' | 'none';
  /** Lines of the conffiles member (absolute paths); omitted when empty. */
  conffiles?: string[];
  /** Whether to write an md5sums member (default true). */
  md5sums?: boolean;
  /** Timestamp of the ar headers and the control.tar entries (default 0). */
  mtime?: number;
}

const EXTENSION: Record<Compression, string> = { none: '', gzip: '.gz', zstd: '.zst' };

/** Builds a .deb: debian-binary "2.0\n", control.tar[.gz|.zst], data.tar[.gz|.zst]. */
export async function buildDeb(opts: BuildDebOptions): Promise<Buffer> {
  const kind = opts.compression ?? 'gzip';
  const mtime = opts.mtime ?? 0;
  const files = await Promise.all(withParents(opts.files).map(inMemory));
  const control = controlEntries(opts, files, mtime);
  return writeAr(
    [
      { name: 'debian-binary', data: Buffer.from('2.0\n') },
      { name: `control.tar${EXTENSION[kind]}`, data: await packTar(control, kind) },
      { name: `data.tar${EXTENSION[kind]}`, data: await packTar(files, kind) },
    ],
    mtime,
  );
}

interface Buffered extends TarEntry {
  bytes?: Buffer;
}

/** The control.tar entries, sorted by name as dpkg-deb writes them. */
function controlEntries(opts: BuildDebOptions, files: Buffered[], mtime: number): TarEntry[] {
  const members = new Map<string, { text: string; mode: number }>();
  members.set('control', { text: opts.control, mode: 0o644 });
  if (opts.md5sums ?? true) members.set('md5sums', { text: md5sums(files), mode: 0o644 });
  if (opts.conffiles?.length) members.set('conffiles', { text: lines(opts.conffiles), mode: 0o644 });
  for (const [name, text] of Object.entries(opts.scripts ?? {})) members.set(name, { text, mode: 0o755 });
  const root: TarEntry = { path: '', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime, size: 0 };
  const sorted = [...members].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [root, ...sorted.map(([name, m]) => bufferEntry(name, Buffer.from(m.text), m.mode, mtime))];
}

function md5sums(files: Buffered[]): string {
  const regular = files.filter((f) => f.bytes !== undefined);
  return regular.map((f) => `${createHash('md5').update(f.bytes!).digest('hex')}  ${f.path}\n`).join('');
}

const lines = (items: string[]) => items.map((l) => `${l}\n`).join('');

function bufferEntry(path: string, bytes: Buffer, mode: number, mtime: number): TarEntry {
  return { path, type: 'file', mode, uid: 0, gid: 0, mtime, size: bytes.length, content: once(bytes) };
}

/** Reads a file entry's content into memory (so md5sums and data.tar see the same bytes). */
async function inMemory(e: TarEntry): Promise<Buffered> {
  if (e.type !== 'file') return e;
  const parts: Buffer[] = [];
  if (e.content) for await (const c of e.content()) parts.push(c);
  const bytes = Buffer.concat(parts);
  return { ...e, bytes, content: once(bytes) };
}

function once(bytes: Buffer): () => AsyncIterable<Buffer> {
  return async function* () {
    yield bytes;
  };
}

/** The entries with './' and every undeclared ancestor directory inserted before its first descendant. */
function withParents(entries: TarEntry[]): TarEntry[] {
  const declared = new Set(entries.filter((e) => e.type === 'dir').map((e) => e.path));
  const out: TarEntry[] = [];
  const add = (path: string) => {
    if (declared.has(path)) return;
    declared.add(path);
    out.push({ path, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 });
  };
  add('');
  for (const e of entries) {
    const segs = e.path.split('/');
    for (let i = 1; i < segs.length; i++) add(segs.slice(0, i).join('/'));
    out.push(e);
  }
  return out;
}

async function packTar(entries: TarEntry[], kind: Compression): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of compress(writeTar(entries), kind)) parts.push(c);
  return Buffer.concat(parts);
}
