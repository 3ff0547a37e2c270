// xz decompression (Debian's Packages.xz and data.tar.xz) on one of two paths:
// - system: pipe through the host's `xz -dc -T0 -q` (xz-utils, always present on Debian hosts). Debian's
//   data.tar.xz has several blocks (multi-threaded dpkg-deb) that xz decodes in parallel: 127 MB/s on
//   2 cores against ~55 MB/s for the WASM decoder (briefs/deps.md §1). Streaming both ways: the source is
//   written to stdin with backpressure, stdout chunks are yielded as they come, and a non-zero exit (even
//   one after the last output) rejects. `xz -dc` accepts concatenated streams, like the WASM path.
// - wasm: xz-decompress, xz-embedded compiled to WASM (no native addon, no install script, lowest
//   memory), the fallback for hosts without xz. It is CommonJS, hence the default import. @napi-rs/lzma
//   is faster in-process but the registry here lacks its current platform packages, so `npm ci` fails.
// The env PITH_XZ, read at call time, picks: unset/`auto` (system if `xz` is on PATH, found once and
// cached; but WASM for an input the caller knows is under 64 KiB, such as a .deb's control.tar.xz: starting a
// child costs 10-40 ms of the parent's time, growing with its size, where WASM decodes such a member in 1-2 ms),
// `wasm` (force the fallback) or `system` (require the binary).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import xzDecompress from 'xz-decompress';
import { messageOf, PithError, streamed } from '../util/index.ts';

/** Inputs known to be smaller than this are decoded by WASM when PITH_XZ is auto. */
const SMALL = 64 * 1024;

/**
 * Decompresses an xz stream (concatenated streams accepted). Corrupt input rejects the iteration. `size`, when
 * the caller knows the input's length, lets a small input skip the child process.
 */
export function unxz(source: AsyncIterable<Buffer>, opts: { size?: number } = {}): AsyncIterable<Buffer> {
  const mode = process.env['PITH_XZ'];
  const small =
    opts.size !== undefined && opts.size < SMALL && (mode === undefined || mode === '' || mode === 'auto');
  return decode(source, small ? 'wasm' : mode);
}

async function* decode(source: AsyncIterable<Buffer>, mode: string | undefined): AsyncIterable<Buffer> {
  const bin = chooseBinary(mode);
  yield* bin === null ? viaWasm(source) : viaSystem(source, bin);
}

/** The xz binary to pipe through, or null for the WASM decoder. */
function chooseBinary(mode: string | undefined): string | null {
  if (mode === 'wasm') return null;
  if (mode === undefined || mode === '' || mode === 'auto') return systemXz();
  if (mode !== 'system') {
    throw new PithError('input', 'BAD_PITH_XZ', `PITH_XZ must be auto, system or wasm, not "${mode}"`);
  }
  const bin = systemXz();
  if (bin === null) throw new PithError('io', 'XZ_MISSING', 'PITH_XZ=system but no xz binary is on PATH');
  return bin;
}

let cachedXz: string | null | undefined;

/** The path of `xz` on PATH (searched once), or null. */
function systemXz(): string | null {
  if (cachedXz === undefined) cachedXz = findOnPath('xz', process.env['PATH'] ?? '');
  return cachedXz;
}

function findOnPath(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    const file = join(dir || '.', name);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {}
  }
  return null;
}

type Watch = { failure?: { value: unknown } };

async function* viaWasm(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const watch: Watch = {};
  const web = Readable.toWeb(Readable.from(watched(source, watch))) as unknown as ReadableStream<Uint8Array>;
  const out = new xzDecompress.XzReadableStream(web) as unknown as WebReadableStream<Uint8Array>;
  try {
    for await (const chunk of out) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  } catch (err) {
    if (watch.failure) throw watch.failure.value;
    throw new PithError('invalid', 'BAD_XZ', `xz data is corrupt: ${messageOf(err)}`, { cause: err });
  }
}

/** The source, noting its own failure so that it can be told apart from the decoder's. */
async function* watched(source: AsyncIterable<Buffer>, watch: Watch): AsyncIterable<Buffer> {
  try {
    yield* source;
  } catch (value) {
    watch.failure = { value };
    throw value;
  }
}

async function* viaSystem(source: AsyncIterable<Buffer>, bin: string): AsyncIterable<Buffer> {
  const child = spawn(bin, ['-dc', '-T0', '-q'], { argv0: 'xz', stdio: 'pipe' });
  const closed = exitOf(child);
  closed.catch(() => {}); // awaited below; this only stops an early spawn failure counting as unhandled
  const stderr = collect(child.stderr);
  child.stdin.on('error', () => {}); // EPIPE once xz has stopped: its exit status tells what happened
  const watch: Watch = {};
  feed(watched(source, watch), child.stdin).catch(() => child.kill()); // the source failed: rethrown below
  try {
    for await (const chunk of child.stdout) {
      streamed(chunk.length);
      yield chunk as Buffer;
    }
    const { code, signal } = await closed;
    if (watch.failure) throw watch.failure.value;
    if (code !== 0) throw corrupt(code, signal, stderr());
  } finally {
    child.stdout.destroy();
    child.stdin.destroy(); // wakes and stops the feeder
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await closed.catch(() => {}); // reaped before returning: no child outlives the iteration
  }
}

/** Writes the source into xz's stdin with backpressure; stops quietly once stdin is gone. */
async function feed(source: AsyncIterable<Buffer>, stdin: Writable): Promise<void> {
  for await (const chunk of source) {
    if (stdin.destroyed) return;
    if (!stdin.write(chunk)) await drained(stdin);
  }
  if (!stdin.destroyed) stdin.end();
}

function drained(stdin: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stdin.off('drain', done).off('close', done);
      resolve();
    };
    stdin.on('drain', done).on('close', done);
  });
}

type Exit = { code: number | null; signal: string | null };

function exitOf(child: ChildProcessWithoutNullStreams): Promise<Exit> {
  return new Promise((resolve, reject) => {
    child.once('error', (err) =>
      reject(new PithError('io', 'XZ_FAILED', `xz: ${err.message}`, { cause: err })),
    );
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
}

/** Keeps the first 4 KiB of a stream as text. */
function collect(stream: Readable): () => string {
  let text = '';
  stream.setEncoding('utf8').on('data', (s: string) => {
    if (text.length < 4096) text += s;
  });
  return () => text;
}

function corrupt(code: number | null, signal: string | null, stderr: string): PithError {
  if (code === null) return new PithError('io', 'XZ_FAILED', `xz was killed by ${signal}`);
  const line = stderr.split('\n')[0]!.replace(/^xz: \(stdin\): /, '') || `xz exited with code ${code}`;
  return new PithError('invalid', 'BAD_XZ', `xz data is corrupt: ${line}`, { details: { code } });
}
