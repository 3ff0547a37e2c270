// The accounts of an image, from /etc/passwd and /etc/group (passwd(5), group(5)): name, uid, gid, home
// and shell; what an audit resolves config.User against. Malformed lines are skipped, as getpwnam skips them.

export const PASSWD_PATH = 'etc/passwd';
export const GROUP_PATH = 'etc/group';

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface Group {
  name: string;
  gid: number;
}

const ID = /^\d{1,10}$/;

/** The accounts of a passwd file, in file order. */
export function parsePasswd(text: string): Account[] {
  const out: Account[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || !f[0] || !ID.test(f[2]!) || !ID.test(f[3]!)) continue;
    out.push({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5]!, shell: f[6]!.trim() });
  }
  return out;
}

/** The groups of a group file, in file order. */
export function parseGroup(text: string): Group[] {
  const out: Group[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || !f[0] || !ID.test(f[2]!)) continue;
    out.push({ name: f[0], gid: Number(f[2]) });
  }
  return out;
}
