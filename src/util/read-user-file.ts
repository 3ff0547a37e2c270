// Reads a small file the user named (a config, a keyring, a lock): only a regular file, only up to a size
// bound, so `/dev/zero`, a FIFO or a huge file is one clear error instead of a hang or an exhausted heap.
// System errors become PithErrors naming the path (system-error.ts).
import { open, stat } from 'node:fs/promises';
import { PithError } from './errors.ts';
import { fileTypeName, fromSystemError } from './system-error.ts';

/** The bytes of `path`, which must be a regular file of at most `maxBytes`; `what` names it in errors. */
export async function readUserFile(path: string, maxBytes: number, what: string): Promise<Buffer> {
  const fail = (cause: unknown): never => {
    throw fromSystemError(cause, { action: `read ${path}` }) ?? cause;
  };
  const st = await stat(path).catch(fail);
  if (st.isDirectory()) fail(Object.assign(new Error('is a directory'), { code: 'EISDIR', path }));
  if (!st.isFile())
    throw new PithError('input', 'NOT_A_FILE', `${what} ${path} is ${fileTypeName(st)}, not a regular file`);
  if (st.size > maxBytes)
    throw new PithError(
      'input',
      'FILE_TOO_LARGE',
      `${what} ${path} is ${st.size} bytes, over the ${maxBytes}-byte limit`,
    );
  const fh = await open(path, 'r').catch(fail);
  try {
    const buf = Buffer.alloc(maxBytes + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n <= maxBytes; n += got)
      got = (await fh.read(buf, n, buf.length - n, n).catch(fail)).bytesRead;
    if (n > maxBytes)
      throw new PithError('input', 'FILE_TOO_LARGE', `${what} ${path} grew over the ${maxBytes}-byte limit`);
    return buf.subarray(0, n);
  } finally {
    await fh.close();
  }
}
