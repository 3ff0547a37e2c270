// Members of a gzip-compressed tarball held in memory (an npm package, a Node.js release), with the first
// path component stripped: npm packages hold `package/…` (or another single top directory), release
// tarballs `node-vX-linux-ARCH/…`. A stream that is not gzip+tar, or that unpacks to more than 1 GiB, is
// refused naming the tarball.
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

async function* bounded(chunks: AsyncIterable<Buffer>, max: number): AsyncIterable<Buffer> {
  let total = 0;
  for await (const c of chunks) {
    total += c.length;
    if (total > max) throw new Error(`unpacks to more than ${max} bytes`);
    yield c;
  }
}

/** At most this many bytes come out of one tarball (a gzip bomb stops here, not at the heap's end). */
export const MAX_UNPACKED = 1 << 30;

/** Every member of a .tgz, its path stripped of `strip` leading components. */
export async function* tgzEntries(bytes: Buffer, what: string, strip = 1): AsyncIterable<StrippedEntry> {
  try {
    for await (const e of readTar(bounded(gunzip(once(bytes)), MAX_UNPACKED))) {
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
