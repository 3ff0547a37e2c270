// xz decompression (Debian's Packages.xz and data.tar.xz) with xz-decompress: xz-embedded compiled to
// WASM, so no native addon and no install script (briefs/deps.md §1: ~55 MB/s on Node 24, lowest memory;
// It is CommonJS, hence the default import. @napi-rs/lzma is faster but the registry here lacks its current platform packages, so `npm ci` fails).
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import xzDecompress from 'xz-decompress';
import { messageOf, PithError } from '../util/index.ts';

/** Decompresses an xz stream (concatenated streams accepted). Corrupt input rejects the iteration. */
export async function* unxz(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const web = Readable.toWeb(Readable.from(source)) as unknown as ReadableStream<Uint8Array>;
  const out = new xzDecompress.XzReadableStream(web) as unknown as WebReadableStream<Uint8Array>;
  try {
    for await (const chunk of out) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  } catch (err) {
    throw new PithError('invalid', 'BAD_XZ', `xz data is corrupt: ${messageOf(err)}`, { cause: err });
  }
}
