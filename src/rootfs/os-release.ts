// /usr/lib/os-release for pith images: Debian's own file from base-files with PRETTY_NAME replaced, so
// scanners still read ID, VERSION_ID, VERSION and VERSION_CODENAME exactly as Debian wrote them, while a
// person sees that pith built the image. (/etc/os-release stays base-files' link to it.)
import { PithError } from '../util/index.ts';

/** Rewrites os-release text: PRETTY_NAME becomes pith's, everything else is kept. */
export function pithOsRelease(debian: string, where: string): string {
  const lines = debian.split('\n');
  const version = /^VERSION="?([^"\n]*)"?$/m.exec(debian)?.[1];
  const name = /^NAME="?([^"\n]*)"?$/m.exec(debian)?.[1] ?? 'Debian GNU/Linux';
  if (!/^ID=/m.test(debian))
    throw new PithError('invalid', 'BAD_OS_RELEASE', `${where}: os-release has no ID line`);
  const pretty = `PRETTY_NAME="pith distroless (${name}${version ? ` ${version}` : ''})"`;
  const i = lines.findIndex((l) => l.startsWith('PRETTY_NAME='));
  if (i >= 0) lines[i] = pretty;
  else lines.unshift(pretty);
  return lines.join('\n').replace(/\n*$/, '\n');
}
