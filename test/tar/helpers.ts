// Shared fixtures for the tar tests: the feature-complete entry set (every type, setuid/sticky, big ids,
// long and UTF-8 names, binary xattrs), stream helpers, and runners for the GNU tar / Python oracles.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TarEntry } from '../../src/tar/index.ts';

/** Deterministic pseudo-random bytes (LCG), so fixtures are the same on every run. */
export function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** A content thunk yielding `data` in pieces of `piece` bytes (exercises chunk boundaries). */
export function contentOf(data: Buffer, piece = 1000): () => AsyncIterable<Buffer> {
  return async function* () {
    for (let i = 0; i < data.length; i += piece) yield data.subarray(i, i + piece);
  };
}

/** Concatenates a stream. */
export async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

/** Replays a buffer as a stream of `chunk`-byte pieces (odd sizes cross header boundaries). */
export async function* chunks(b: Buffer, chunk = 777): AsyncIterable<Buffer> {
  for (let i = 0; i < b.length; i += chunk) yield b.subarray(i, i + chunk);
}

export const LONG_PATH = `${'d'.repeat(100)}/${'e'.repeat(54)}/${'f'.repeat(100)}`; // 256 chars, ustar prefix split
export const LONG_PAX_PATH = `${'p'.repeat(120)}/${'q'.repeat(135)}`; // 256 chars, no ustar split: PAX path
export const NO_SPLIT = 'n'.repeat(154); // 154 chars, no '/' to split at
export const LONG_TARGET = `${'/t'.repeat(100)}/${'x'.repeat(61)}`; // 262 chars
export const UTF8_NAME = 'usr/share/ünïcødé/日本語-😀.txt';
export const CAPABILITY = Buffer.from('0100000200ff000000000000000000000000ff00', 'hex'); // 0x00 and 0xff bytes
export const BIG_UID = 3_000_000; // > 0o7777777 = 2097151
export const BIG_MTIME = 2 ** 33 + 5; // > 0o77777777777

/** The feature-complete fixture (parents before children), plus each file's content. */
export function fixture(): { entries: TarEntry[]; data: Map<string, Buffer> } {
  const data = new Map<string, Buffer>([
    ['bin/suid', bytes(1000, 2)],
    [UTF8_NAME, Buffer.from('héllo\n')],
    [LONG_PATH, bytes(512, 3)],
    [LONG_PAX_PATH, bytes(100, 6)],
    [NO_SPLIT, bytes(513, 4)],
    ['home/nonroot/empty', Buffer.alloc(0)],
    ['home/big/f', bytes(70_000, 5)],
  ]);
  const base = { mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000, size: 0 };
  const file = (path: string, extra: Partial<TarEntry> = {}): TarEntry => ({
    ...base,
    path,
    type: 'file',
    size: data.get(path)!.length,
    content: contentOf(data.get(path)!),
    ...extra,
  });
  const dir = (path: string, extra: Partial<TarEntry> = {}): TarEntry => ({
    ...base,
    path,
    type: 'dir',
    mode: 0o755,
    ...extra,
  });
  const entries: TarEntry[] = [
    dir('', { mtime: 0 }),
    dir('bin'),
    file('bin/suid', {
      mode: 0o4755,
      xattrs: new Map([
        ['security.capability', CAPABILITY],
        ['user.test', Buffer.from('hello')],
        ['user.empty', Buffer.alloc(0)],
      ]),
    }),
    { ...base, path: 'bin/suid-link', type: 'hardlink', mode: 0o4755, linkTarget: 'bin/suid' },
    { ...base, path: 'bin/sh', type: 'symlink', mode: 0o777, linkTarget: 'dash' },
    { ...base, path: 'bin/long-link', type: 'symlink', mode: 0o777, linkTarget: LONG_TARGET },
    dir('dev'),
    { ...base, path: 'dev/null', type: 'char', mode: 0o666, devMajor: 1, devMinor: 3 },
    { ...base, path: 'dev/loop0', type: 'block', mode: 0o660, gid: 6, devMajor: 7, devMinor: 0 },
    dir('home'),
    dir('home/big', { uid: BIG_UID, gid: BIG_UID }),
    file('home/big/f', { uid: BIG_UID, gid: BIG_UID, mtime: BIG_MTIME }),
    dir('home/nonroot', { uid: 65532, gid: 65532, mode: 0o700 }),
    file('home/nonroot/empty', { uid: 65532, gid: 65532, mode: 0o600 }),
    dir(LONG_PATH.slice(0, 100)),
    dir(LONG_PATH.slice(0, 155)),
    file(LONG_PATH, { mtime: 1 }),
    dir(LONG_PAX_PATH.slice(0, 120)),
    file(LONG_PAX_PATH),
    file(NO_SPLIT),
    { ...base, path: 'run-fifo', type: 'fifo', mode: 0o620 },
    dir('tmp', { mode: 0o1777 }),
    dir('usr'),
    dir('usr/share'),
    dir('usr/share/ünïcødé'),
    file(UTF8_NAME),
  ];
  return { entries, data };
}

/** Runs a command synchronously (UTC, UTF-8 locale); throws with its stderr if it fails. */
export function run(cmd: string, args: string[], input?: Buffer | string): string {
  const env = { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' };
  const r = spawnSync(cmd, args, { input, env, maxBuffer: 1 << 28, encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** True if a command can be run at all. */
export function has(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A fresh temporary directory, removed by the returned cleanup function. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pith-tar-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One member as Python's tarfile sees it (xattrs and data as hex of the raw bytes). */
export interface PyMember {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  size: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  pax: Record<string, string>;
  data: string | null;
}

const PY_LIST = `
import json, sys, tarfile
out = []
with tarfile.open(sys.argv[1], encoding='utf-8', errors='surrogateescape') as tf:
    for m in tf:
        data = tf.extractfile(m).read().hex() if m.isreg() else None
        pax = {k: v.encode('utf-8', 'surrogateescape').hex() for k, v in m.pax_headers.items()}
        out.append(dict(name=m.name, type=m.type.decode(), mode=m.mode, uid=m.uid, gid=m.gid, mtime=m.mtime,
                        size=m.size, linkname=m.linkname, devmajor=m.devmajor, devminor=m.devminor, pax=pax, data=data))
print(json.dumps(out))
`;

/** Lists a tar file with Python's tarfile (an independent oracle). */
export function pythonList(tarPath: string): PyMember[] {
  return JSON.parse(run('python3', ['-c', PY_LIST, tarPath])) as PyMember[];
}

/** Populates `root` with every feature a GNU tar archive can carry (run as root for devices and ids). */
export function populateSourceDir(root: string): void {
  const sh = (script: string) => run('sh', ['-euc', script, 'sh', root]);
  sh(`cd "$1"
    mkdir -p bin tmp dev "${'l'.repeat(120)}/${'m'.repeat(150)}"
    printf 'hello\\n' > bin/suid && chmod 4755 bin/suid && ln bin/suid bin/suid-hard
    ln -s dash bin/sh && ln -s "${LONG_TARGET}${LONG_TARGET}" bin/long-link
    head -c 70000 /dev/zero | tr '\\0' 'z' > "${'l'.repeat(120)}/${'m'.repeat(150)}/${'n'.repeat(200)}"
    printf 'ü' > "${UTF8_NAME.split('/').pop()}"
    chmod 1777 tmp && mkfifo -m 620 run-fifo
    printf 'old' > old && touch -h -d @-5 old
    printf 'future' > future && touch -d @${BIG_MTIME} future
    printf 'x' > nonroot && chown 65532:65532 nonroot
    printf 'y' > big-id && chown ${BIG_UID}:${BIG_UID} big-id
    touch -d @1700000000.75 bin/suid
  `);
  if (process.getuid?.() === 0) sh('cd "$1" && mknod -m 666 dev/null c 1 3 && mknod -m 660 dev/loop0 b 7 0');
  if (has('setfattr'))
    sh('cd "$1" && setfattr -n user.bin -v 0x00ff0a3d00 bin/suid && setfattr -n user.empty bin/suid');
}
