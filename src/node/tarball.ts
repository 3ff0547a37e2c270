// Members of a gzip-compressed tarball held in memory (an npm package, a Node.js release), with the first
// path component stripped: npm packages hold `package/…` (or another single top directory), release
// tarballs `node-vX-linux-ARCH/…`. A member that would land outside after stripping, or a stream that is
// not gzip+tar, is refused naming the tarball.
import { gunzip } from '../compress/index.ts';
import { type ReadEntry, readTar } from '../tar/index.ts';
import { messageOf, PithError } from '../util/index.ts';

export interface StrippedEntry extends ReadEntry {
  /** The path below the top directory ('' for the top directory itself). */
  inner: string;
}

async function* once(bytes: Buffer): AsyncIterable<Buffer> {
  yield bytes;
}

/** Every member of a .tgz, its path stripped of `strip` leading components. */
export async function* tgzEntries(bytes: Buffer, what: string, strip = 1): AsyncIterable<StrippedEntry> {
  try {
    for await (const e of readTar(gunzip(once(bytes)))) {
      const parts = e.path.split('/');
      if (parts.length <= strip && e.type !== 'dir') continue;
      yield { ...e, inner: parts.slice(strip).join('/') };
    }
  } catch (cause) {
    throw new PithError(
      'invalid',
      'NPM_PACKAGE_INVALID',
      `${what}: not a readable .tgz (${messageOf(cause)})`,
      {
        cause,
      },
    );
  }
}
