// The archive walk shared by readTar (stream) and indexTarFile (positional file reads): header, meta payload,
// data, padding, end-of-archive. Sources differ only in how bytes are fetched (BlockSource).
// Invariants: stops after the end-of-archive marker (two zero blocks, or one zero block then EOF, or EOF at
// a header boundary, as GNU tar, Go and Python accept); EOF anywhere else is BAD_TAR with its offset.
import { BLOCK, badTar, isZeroBlock, padding } from './fields.ts';
import { type ArchiveNames, type EntryMeta, HeaderDecoder } from './header-decode.ts';

/** Where scanTar gets its bytes from. */
export interface BlockSource {
  /** Bytes consumed so far (= archive offset of the next byte). */
  readonly offset: number;
  /** The next 512 bytes; null on EOF exactly here; BAD_TAR on a partial block. */
  readBlock(): Promise<Buffer | null>;
  /** Exactly `n` bytes, or BAD_TAR if the input ends first. */
  read(n: number): Promise<Buffer>;
  /** Skips exactly `n` bytes, or BAD_TAR if the input ends first. */
  skip(n: number): Promise<void>;
  /** The next 1..`max` bytes as they come (no copy where the source allows), or null at EOF. */
  next(max: number): Promise<Buffer | null>;
}

/** What the walk does with a file's data: skip it, read it whole, or hand it out in pieces. */
export type DataMode = 'skip' | 'read' | 'stream';

/**
 * One entry found by the walk: metadata, the archive offset of its data, and the data if asked for: whole
 * (`read`), or as `body` (`stream`), which is valid until the walk moves on; what was not read is skipped.
 */
export interface ScannedEntry {
  entry: EntryMeta;
  /** The names as the archive spells them. */
  names: ArchiveNames;
  offset: number;
  data?: Buffer;
  body?: AsyncIterable<Buffer>;
}

/** Walks the archive, yielding entries in order; `mode` says what happens to each file's data. */
export async function* scanTar(src: BlockSource, mode: DataMode): AsyncGenerator<ScannedEntry> {
  const dec = new HeaderDecoder();
  for (;;) {
    const at = src.offset;
    const block = await src.readBlock();
    if (block === null) {
      dec.assertNoPendingMeta(at);
      return;
    }
    const h = dec.decode(block, at);
    if (h.kind === 'zero') {
      const next = await src.readBlock();
      if (next !== null && !isZeroBlock(next))
        throw badTar(at + BLOCK, 'a single zero block is followed by data');
      return;
    }
    if (h.kind === 'meta') {
      const payload = await src.read(h.size);
      await src.skip(padding(h.size));
      dec.applyMeta(h.flag, payload, at);
      continue;
    }
    if (h.kind === 'skip') {
      await src.skip(h.size + padding(h.size));
      continue;
    }
    const found = { entry: h.entry, names: h.names, offset: src.offset };
    if (mode === 'read' && h.entry.type === 'file') {
      const data = await src.read(h.size);
      await src.skip(padding(h.size));
      yield { ...found, data };
    } else if (mode === 'stream' && h.entry.type === 'file') {
      const body = new Body(src, h.size);
      yield { ...found, body };
      body.done = true;
      await src.skip(body.left + padding(h.size));
    } else {
      await src.skip(h.size + padding(h.size));
      yield found;
    }
  }
}

/** A file's data in pieces, read from the source as asked for; ends after its size or when the walk moves on. */
class Body implements AsyncIterable<Buffer> {
  left: number;
  done = false;
  readonly #src: BlockSource;

  constructor(src: BlockSource, size: number) {
    this.#src = src;
    this.left = size;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    while (this.left > 0 && !this.done) {
      const at = this.#src.offset;
      const piece = await this.#src.next(this.left);
      if (piece === null) throw badTar(at, `unexpected end of input (${this.left} more bytes needed)`);
      this.left -= piece.length;
      yield piece;
    }
  }
}
