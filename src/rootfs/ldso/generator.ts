// The default generator string of the cache's extension section: what the image's ldconfig would write,
// "ldconfig " PKGVERSION RELEASE " release version " VERSION, from the libc6 stanza of
// var/lib/dpkg/status.d/libc6 or var/lib/dpkg/status (`ldconfig (Debian GLIBC 2.41-12) stable release
// version 2.41`), or `ldconfig (pith)` when the trees carry no libc6 status.

import type { RootView } from './root-view.ts';

/** "ldconfig " PKGVERSION RELEASE " release version " VERSION, for the image's libc6. */
export async function defaultGenerator(root: RootView): Promise<string> {
  for (const path of ['var/lib/dpkg/status.d/libc6', 'var/lib/dpkg/status']) {
    const st = root.statFile(path);
    if (!st) continue;
    const text = (await root.content(st.path))?.toString('utf8') ?? '';
    const generator = libc6Generator(text);
    if (generator !== undefined) return generator;
  }
  return 'ldconfig (pith)';
}

/** The generator string for the first libc6 stanza with a Version in a dpkg status text. */
function libc6Generator(status: string): string | undefined {
  for (const stanza of status.split(/\n\s*\n/)) {
    if (!/^Package:[ \t]*libc6[ \t]*$/m.test(stanza)) continue;
    const version = /^Version:[ \t]*(\S+)/m.exec(stanza)?.[1];
    if (!version) continue;
    const upstream = version.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
    return `ldconfig (Debian GLIBC ${version}) stable release version ${upstream}`;
  }
  return undefined;
}
