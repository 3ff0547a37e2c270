// Block-parallel gzip (the pigz scheme) on node:zlib's thread pool: the input is cut into fixed 1 MiB
// blocks, each deflated independently with the previous block's last 32 KiB as dictionary and ended with
// a sync flush (the last with finish), then the raw deflate pieces are concatenated between one gzip
// header and the CRC-32/ISIZE trailer. Hand-written because no npm package does parallel gzip
// (briefs/deps.md §3: ×1.7 at level 6 on 2 cores). A block that does not compress (random bytes: already
// compressed assets, archives, encrypted data) is stored, not searched for matches it does not have, as
// zstd does: deflate at level 6 spends several times as long on such bytes as on text only to store them
// anyway. Whether it compresses is judged from samples spread over the block, deflated at level 1 (on the
// pool); a stored block is then framed on the calling thread, which only copies it (storedBlock).
// Output depends only on the input, the level and the fixed block size — never on timing or the number of
// threads — so layers stay reproducible.
import { promisify } from 'node:util';
import { constants, crc32, deflateRaw, deflateRawSync } from 'node:zlib';
import { streamed } from '../util/index.ts';

const deflateRawAsync = promisify(deflateRaw) as (buf: Buffer, opts: object) => Promise<Buffer>;

export const BLOCK_SIZE = 1 << 20;
const WINDOW = 32 * 1024;
/** Blocks compressed at once; more than the pool's threads keeps every thread busy. */
const IN_FLIGHT = 8;
/**
 * Block buffers reused in turn: those in flight, the one waiting for its successor, the one filling (one
 * more than the least, which is IN_FLIGHT + 1: see blocks).
 */
const RING = IN_FLIGHT + 2;
/** Samples of a block deflated to judge whether it compresses: how many, and how long each is. */
const SAMPLES = 4;
const SAMPLE = 16 * 1024;
/** A block whose samples deflate to at least this share of their size is stored. */
const INCOMPRESSIBLE = 0.97;
/** RFC 1952 header: ID1 ID2 CM=8 FLG=0 MTIME=0 XFL=0 OS=255 (unknown). */
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);

/** Compresses a stream as one gzip member, deflating blocks concurrently. */
export async function* parallelGzip(source: AsyncIterable<Buffer>, level: number): AsyncIterable<Buffer> {
  yield HEADER;
  let crc = 0;
  let total = 0;
  const pending: Promise<Buffer>[] = [];
  let current: Buffer | undefined;
  let dictionary: Buffer | undefined;
  for await (const block of blocks(source)) {
    if (current) {
      pending.push(deflateBlock(current, level, false, dictionary));
      // a copy: the block's ring buffer may be refilled before the next deflate, which waits for its
      // samples to be judged, takes it in
      dictionary = Buffer.from(current.subarray(Math.max(0, current.length - WINDOW)));
    }
    current = block;
    crc = crc32(block, crc);
    total += block.length;
    streamed(2 * block.length); // the block, and about as much again while it is deflated
    while (pending.length >= IN_FLIGHT) yield await pending.shift()!;
  }
  pending.push(deflateBlock(current ?? Buffer.alloc(0), level, true, dictionary));
  for (const p of pending) yield await p;
  const trailer = Buffer.allocUnsafe(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(total % 2 ** 32, 4);
  yield trailer;
}

function deflateBlock(block: Buffer, level: number, last: boolean, dictionary?: Buffer): Promise<Buffer> {
  const p = (async () => {
    const stored = level > 1 && (await incompressible(block));
    if (stored && !last) return storedBlock(block);
    return deflateRawAsync(block, {
      level: stored ? 0 : level,
      finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
      ...(dictionary && !stored ? { dictionary } : {}),
    });
  })();
  p.catch(() => {}); // awaited in order later; this only stops an early failure counting as unhandled
  return p;
}

/**
 * A block stored as it is, framed on this thread: zlib at level 0 only copies, but its async API costs 5 ms
 * per MiB, mostly in this thread's callbacks for each 16 KiB of output, where the sync one takes 0.9 ms. The
 * bytes are the same (with a sync flush; compress.test.ts holds them to the async API's); a last block, ended
 * with finish, goes the async way, whose output differs there.
 */
export function storedBlock(block: Buffer): Buffer {
  return deflateRawSync(block, { level: 0, finishFlush: constants.Z_SYNC_FLUSH });
}

/**
 * Whether samples spread over the block do not compress at level 1 (a small block is just compressed);
 * judged on the thread pool too, off the thread that reads, hashes and writes.
 */
export async function incompressible(block: Buffer): Promise<boolean> {
  if (block.length <= 2 * SAMPLES * SAMPLE) return false;
  const step = Math.floor((block.length - SAMPLE) / (SAMPLES - 1));
  const sample = Buffer.concat(
    Array.from({ length: SAMPLES }, (_, i) => block.subarray(i * step, i * step + SAMPLE)),
  );
  return (await deflateRawAsync(sample, { level: 1 })).length >= sample.length * INCOMPRESSIBLE;
}

/**
 * Re-chunks a stream into blocks of exactly BLOCK_SIZE bytes (the last may be shorter). A full block is
 * copied into a ring of RING buffers reused in turn: when block n is filled, the deflates of every block
 * up to n - IN_FLIGHT - 1 have resolved (parallelGzip waits for those), and the dictionary parallelGzip
 * takes from a block is a copy. New 1 MiB buffers per block would outlive a few minor GCs while
 * in flight, reach the old generation and pile up there until a full GC (a 115 MiB build: 22 of them). A
 * short last block (all of a small layer) is joined into a buffer of its own size.
 */
async function* blocks(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const ring: Buffer[] = [];
  let n = 0;
  let parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    let c = chunk;
    while (c.length > 0) {
      const take = Math.min(c.length, BLOCK_SIZE - size);
      parts.push(c.subarray(0, take));
      size += take;
      c = c.subarray(take);
      if (size === BLOCK_SIZE) {
        ring[n % RING] ??= Buffer.allocUnsafeSlow(BLOCK_SIZE);
        const block = ring[n++ % RING]!;
        let at = 0;
        for (const part of parts) at += part.copy(block, at);
        yield block;
        parts = [];
        size = 0;
      }
    }
  }
  if (size > 0) yield Buffer.concat(parts, size);
}
