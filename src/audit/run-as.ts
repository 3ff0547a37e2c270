// Who an image runs as: config.User (`name`, `uid`, `name:group`, `uid:gid`; empty means root) resolved
// against the image's /etc/passwd and /etc/group as the runtime resolves it.
import type { Account, Group } from '../inventory/index.ts';
import type { RunAs } from './types.ts';

const NUMERIC = /^\d{1,10}$/;

export function runAs(user: string | undefined, accounts?: Account[], groups?: Group[]): RunAs {
  const configured = user ?? '';
  if (configured === '') return { configured, uid: 0, gid: 0, name: 'root', root: true };
  const [u = '', g] = configured.split(':', 2);
  const account = NUMERIC.test(u)
    ? accounts?.find((a) => a.uid === Number(u))
    : accounts?.find((a) => a.name === u);
  // `root` is uid 0 whatever /etc/passwd says (or whether there is one)
  const uid = NUMERIC.test(u) ? Number(u) : u === 'root' ? 0 : account?.uid;
  const gid =
    g === undefined ? account?.gid : NUMERIC.test(g) ? Number(g) : groups?.find((x) => x.name === g)?.gid;
  return {
    configured,
    ...(uid !== undefined ? { uid } : {}),
    ...(gid !== undefined ? { gid } : {}),
    ...(account ? { name: account.name } : {}),
    root: uid === 0,
  };
}
