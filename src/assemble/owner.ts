// Ownership and user specs: `uid[:gid]` with numbers or the standard account names. As with Docker's
// `COPY --chown`, a user without a group uses the same number as gid.
import { PithError } from '../util/index.ts';
import { GROUPS, USERS } from './accounts.ts';

export interface Owner {
  uid: number;
  gid: number;
}

const MAX_ID = 2 ** 32 - 2;

function id(text: string, names: Readonly<Record<string, number>>, what: string): number {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    if (n <= MAX_ID) return n;
  }
  const known = names[text];
  if (known !== undefined) return known;
  throw new PithError(
    'input',
    'BAD_OWNER',
    `"${text}" is not a ${what} id or one of ${Object.keys(names).join(', ')}`,
  );
}

const userIds = Object.fromEntries(Object.entries(USERS).map(([k, v]) => [k, v.uid]));

/** Parses `uid[:gid]`, `name[:group]`. */
export function parseOwner(text: string): Owner {
  const [u = '', g, extra] = text.split(':');
  if (extra !== undefined || u === '')
    throw new PithError('input', 'BAD_OWNER', `"${text}" is not uid[:gid]`);
  const uid = id(u, userIds, 'user');
  if (g === undefined) return { uid, gid: USERS[u]?.gid ?? uid };
  return { uid, gid: id(g, GROUPS, 'group') };
}

/** The config's `User` value: numeric, so that Kubernetes' runAsNonRoot can check it (as distroless does). */
export function userSpec(text: string): string {
  const o = parseOwner(text);
  return !text.includes(':') ? String(o.uid) : `${o.uid}:${o.gid}`;
}
