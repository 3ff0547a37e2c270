// Shared fixtures for the deb tests: a package source tree with every feature dpkg-deb packs (setuid,
// 0750 dir, hard and symbolic links, conffiles, md5sums, scripts that would leave a marker if run), the
// dpkg-deb oracle (`--contents` parsed into entries) and small stream and error helpers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntryType, ReadEntry } from '../../src/tar/index.ts';
import { PithError } from '../../src/util/index.ts';

/** Runs a command synchronously (UTC, UTF-8, no SOURCE_DATE_EPOCH); throws with its stderr if it fails. */
export function run(cmd: string, args: string[], input?: Buffer | string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' };
  delete env['SOURCE_DATE_EPOCH'];
  const r = spawnSync(cmd, args, { input, env, maxBuffer: 1 << 28, encoding: 'utf8', timeout: 300_000 });
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
  const dir = mkdtempSync(join(tmpdir(), 'pith-deb-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Replays a buffer as a stream of `chunk`-byte pieces. */
export async function* chunks(b: Buffer, chunk = 777): AsyncIterable<Buffer> {
  for (let i = 0; i < b.length; i += chunk) yield b.subarray(i, i + chunk);
}

/** Concatenates a stream. */
export async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

/** A predicate for assert.rejects: an invalid PithError with `code` whose message starts with `where`. */
export function pithError(code: string | string[], where: string) {
  return (err: unknown) => {
    assert.ok(err instanceof PithError, `expected a PithError, got ${String(err)}`);
    assert.ok([code].flat().includes(err.code), `code ${err.code}: ${err.message}`);
    assert.equal(err.kind, 'invalid', err.message);
    assert.ok(err.message.startsWith(`${where}: `), err.message);
    return true;
  };
}

export const CONTROL = `Package: pith-fixture
Version: 1.2-3
Architecture: all
Maintainer: Pith Tests <tests@example.invalid>
Installed-Size: 400
Description: a package for the deb reader tests
 With a multi-line description.
 .
 And a paragraph.
`;

export const LONG_NAME = `usr/share/pith/${'l'.repeat(120)}/${'m'.repeat(60)}.txt`;

/**
 * Writes a dpkg-deb source tree at `root` (DEBIAN/ included). Its postinst and prerm would create `marker`
 * if anything ran them. With `owned`, one file belongs to 1234:2345.
 */
export function makePackageTree(root: string, marker: string, owned = false): void {
  const script = `#!/bin/sh\nset -e\ntouch '${marker}'\n`;
  const sh = (s: string) => run('sh', ['-euc', s, 'sh', root, CONTROL, script, LONG_NAME]);
  sh(`mkdir -p "$1" && cd "$1"
    mkdir -p DEBIAN etc/pith usr/bin usr/lib usr/share/doc/pith var/lib/pith/private "$(dirname "$4")"
    printf '%s' "$2" > DEBIAN/control
    printf '%s' "$3" > DEBIAN/postinst && printf '%s' "$3" > DEBIAN/prerm
    chmod 0755 DEBIAN/postinst DEBIAN/prerm
    echo /etc/pith/app.conf > DEBIAN/conffiles
    printf 'key = value\\n' > etc/pith/app.conf
    head -c 100000 /dev/urandom > usr/bin/tool && chmod 0755 usr/bin/tool
    ln usr/bin/tool usr/bin/tool-hard
    printf '#!/bin/sh\\necho su\\n' > usr/bin/su-tool && chmod 4755 usr/bin/su-tool
    ln -s tool usr/bin/tool-link && ln -s /usr/bin/tool usr/lib/abs-link
    chmod 0750 var/lib/pith/private
    printf 'secret\\n' > var/lib/pith/private/key && chmod 0640 var/lib/pith/private/key
    : > usr/share/doc/pith/empty
    seq 1 60000 > usr/share/doc/pith/numbers.txt
    printf 'ü\\n' > 'usr/share/doc/pith/ünï code.txt'
    printf 'long\\n' > "$4"
    touch -d @1700000000 usr/bin/tool && touch -h -d @1600000000 usr/bin/tool-link
  `);
  if (owned)
    sh('cd "$1" && printf owned > usr/share/doc/pith/owned && chown 1234:2345 usr/share/doc/pith/owned');
  sh(
    `cd "$1" && find . -path ./DEBIAN -prune -o -type f -printf '%P\\0' | sort -z | xargs -0 md5sum > DEBIAN/md5sums`,
  );
}

/** One data.tar member as `dpkg-deb --contents` (tar -tv) shows it. */
export interface ListedEntry {
  path: string;
  type: EntryType;
  mode: number;
  owner: string;
  group: string;
  size: number;
  linkTarget?: string;
}

const TYPES: Record<string, EntryType> = {
  '-': 'file',
  d: 'dir',
  l: 'symlink',
  h: 'hardlink',
  c: 'char',
  b: 'block',
  p: 'fifo',
};
const LINE = /^(\S)(\S{9}) ([^/\s]+)\/(\S+)\s+(\d+|\d+,\s*\d+) \d{4}-\d\d-\d\d \d\d:\d\d (.*)$/;

/** Parses `dpkg-deb --contents` output (names must not contain ' -> ' or ' link to '). */
export function parseContents(text: string): ListedEntry[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const m = LINE.exec(line);
      assert.ok(m, `unparsable --contents line: ${line}`);
      const type = TYPES[m[1]!]!;
      const sep = type === 'symlink' ? ' -> ' : type === 'hardlink' ? ' link to ' : null;
      const [name, target] = sep ? splitOnce(m[6]!, sep) : [m[6]!, undefined];
      const size = /^\d+$/.test(m[5]!) ? Number(m[5]) : 0;
      const e: ListedEntry = {
        path: tarName(name),
        type,
        mode: modeOf(m[2]!),
        owner: m[3]!,
        group: m[4]!,
        size,
      };
      if (target !== undefined) e.linkTarget = type === 'hardlink' ? tarName(target) : target;
      return e;
    });
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return [s.slice(0, i), s.slice(i + sep.length)];
}

/** './usr/bin/' -> 'usr/bin'; './' -> ''. */
function tarName(name: string): string {
  return name.replace(/^\.\//, '').replace(/\/$/, '');
}

/** 'rwsr-x---' -> 0o4750. */
export function modeOf(perm: string): number {
  let mode = 0;
  for (const [i, ch] of [...perm].entries()) {
    const bit = 1 << (8 - i);
    if ('rwxst'.includes(ch)) mode |= bit;
    if (ch === 's' || ch === 'S') mode |= i === 2 ? 0o4000 : 0o2000;
    if (ch === 't' || ch === 'T') mode |= 0o1000;
  }
  return mode;
}

/** The executable control members `dpkg-deb --info` lists (marked '*'). */
export function infoScripts(info: string): string[] {
  const out: string[] = [];
  for (const m of info.matchAll(/^\s+\d+ bytes,\s+\d+ lines\s+\*\s+(\S+)/gm)) out.push(m[1]!);
  return out.sort();
}

/** Entries as `--contents` would list them, with tar's owner names given by `name`. */
export function asListed(entries: ReadEntry[], name: (id: number) => string): ListedEntry[] {
  return entries.map((e) => ({
    path: e.path,
    type: e.type,
    mode: e.mode,
    owner: name(e.uid),
    group: name(e.gid),
    size: e.size,
    ...(e.linkTarget === undefined ? {} : { linkTarget: e.linkTarget }),
  }));
}
