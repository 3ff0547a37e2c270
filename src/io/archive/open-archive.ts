// Opens an archive file for reading: plain tar directly; gzip- or zstd-compressed tars (`docker save | gzip`)
// are first decompressed to a private temporary file, removed when the process exits.
import { randomBytes } from 'node:crypto';
import { createReadStream, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decompress, detectCompression } from '../../compress/index.ts';
import { PithError } from '../../util/index.ts';
import { writeFileAtomic } from '../atomic.ts';
import { type FileSource, tarSource } from '../file-source.ts';

const temps = new Set<string>();
process.once('exit', () => {
  for (const t of temps) rmSync(t, { force: true });
});

/** A FileSource over an archive file, decompressing it first if needed. */
export async function openArchive(file: string): Promise<FileSource> {
  const head = await readHead(file);
  const kind = detectCompression(head);
  if (kind === 'none') return tarSource(file);
  if (kind === 'xz' || kind === 'bzip2') {
    throw new PithError(
      'input',
      'UNSUPPORTED_COMPRESSION',
      `${file}: ${kind}-compressed archives are not supported; decompress it first`,
    );
  }
  const tmp = join(tmpdir(), `pith-archive-${randomBytes(6).toString('hex')}.tar`);
  temps.add(tmp);
  await writeFileAtomic(tmp, decompress(createReadStream(file), kind), 0o600);
  return tarSource(tmp, file);
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await open(file, 'r').catch((cause: NodeJS.ErrnoException) => {
    throw new PithError(
      'input',
      'NO_SUCH_FILE',
      `${file}: ${cause.code === 'ENOENT' ? 'no such file' : cause.message}`,
      { cause },
    );
  });
  try {
    const buf = Buffer.alloc(8);
    const { bytesRead } = await fh.read(buf, 0, 8, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
