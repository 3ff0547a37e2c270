// The standard accounts exactly as distroless writes them (briefs/distroless.md §1.3, §1.10): root 0,
// nobody 65534, nonroot 65532 in /etc/passwd and /etc/group (no shadow files, shell /sbin/nologin),
// /root 0700, /home/nonroot 0700 owned by 65532, /tmp 1777, plus distroless's /etc/nsswitch.conf.
import type { TreeNode } from '../tar/index.ts';

export const PASSWD = `root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
`;

export const GROUP = `root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
`;

export const NSSWITCH = `# /etc/nsswitch.conf
#
# Example configuration of GNU Name Service Switch functionality.
# If you have the \`glibc-doc-reference' and \`info' packages installed, try:
# \`info libc "Name Service Switch"' for information about this file.

passwd:         compat
group:          compat
shadow:         compat
gshadow:        files

hosts:          files dns
networks:       files

protocols:      db files
services:       db files
ethers:         db files
rpc:            db files

netgroup:       nis
`;

/** Known account names and their uid:gid. */
export const USERS: Readonly<Record<string, { uid: number; gid: number }>> = {
  root: { uid: 0, gid: 0 },
  nobody: { uid: 65534, gid: 65534 },
  nonroot: { uid: 65532, gid: 65532 },
};

/** Known group names and their gid. */
export const GROUPS: Readonly<Record<string, number>> = {
  root: 0,
  nobody: 65534,
  tty: 5,
  staff: 50,
  nonroot: 65532,
};

/** The nodes of the accounts layer, path → node, with every time at `mtime`. */
export function accountNodes(mtime: number): [string, TreeNode][] {
  const dir = (mode: number, uid = 0, gid = 0): TreeNode => ({ type: 'dir', mode, uid, gid, mtime, size: 0 });
  const file = (text: string): TreeNode => {
    const bytes = Buffer.from(text);
    return {
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime,
      size: bytes.length,
      content: async function* () {
        yield bytes;
      },
    };
  };
  return [
    ['etc', dir(0o755)],
    ['etc/passwd', file(PASSWD)],
    ['etc/group', file(GROUP)],
    ['etc/nsswitch.conf', file(NSSWITCH)],
    ['home', dir(0o755)],
    ['home/nonroot', dir(0o700, 65532, 65532)],
    ['root', dir(0o700)],
    ['tmp', dir(0o1777)],
  ];
}
