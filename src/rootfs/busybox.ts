// The debug variants' shell, as distroless lays it out (briefs/distroless.md §1.4) but from Debian's own
// busybox-static package: /busybox/busybox plus one absolute symlink /busybox/<applet> → /busybox/busybox
// per applet, and nothing in /bin (no /bin/sh). The applet list is data (presets/busybox-applets/<suite>.txt,
// from `busybox --list` of Debian's busybox-static), because a foreign-arch binary cannot be run to ask it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageRecord } from '../apt-repo/index.ts';
import { PRESETS_DIR } from '../config/index.ts';
import type { DebContents } from '../deb-archive/index.ts';
import { FileTree, symlinkEntry } from '../tar/index.ts';
import { PithError } from '../util/index.ts';

/** The applets linked into /busybox for a suite's busybox-static. */
export function busyboxApplets(suite: string): string[] {
  return readFileSync(join(PRESETS_DIR, 'busybox-applets', `${suite}.txt`), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && l !== 'busybox');
}

export function busyboxTree(pkg: PackageRecord, deb: DebContents, suite: string): FileTree {
  const bin = deb.entries.find(
    (e) => (e.path === 'usr/bin/busybox' || e.path === 'bin/busybox') && e.type === 'file',
  );
  if (!bin) throw new PithError('invalid', 'NO_BUSYBOX', `${pkg.name} ${pkg.version}: has no busybox binary`);
  const tree = new FileTree();
  const data = bin.data;
  tree.add('busybox', { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 });
  tree.add('busybox/busybox', {
    type: 'file',
    mode: 0o755,
    uid: 0,
    gid: 0,
    mtime: bin.mtime,
    size: data.length,
    content: async function* () {
      yield data;
    },
  });
  for (const applet of busyboxApplets(suite)) {
    tree.add(`busybox/${applet}`, symlinkEntry(`busybox/${applet}`, '/busybox/busybox'));
  }
  return tree;
}
