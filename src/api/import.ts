// `import`: a root file system tarball made by another tool (mmdebstrap, debootstrap, `docker export`, a
// chisel cut; plain, gzip or zstd) becomes a one-layer image, so pith can inventory and compare it. The
// entries are read and written again with pith's tar writer: paths normalised and checked, times clamped
// to the epoch, so the same tarball gives the same digest.

import { decompress } from '../compress/index.ts';
import { fileChunks, parseTransportRef, tarCompression, writeArtifact } from '../io/index.ts';
import { layerFromEntries } from '../layer/index.ts';
import { buildImage, hostPlatform, normalizePlatform, type Platform, parsePlatform } from '../oci/index.ts';
import { readTar, type TarEntry } from '../tar/index.ts';
import { checkEpoch, throwIfAborted } from '../util/index.ts';
import type { Context } from './context.ts';
import { type ArtifactSummary, describeArtifact } from './summary.ts';

export interface ImportRequest {
  /** The root file system tarball (.tar, .tar.gz, .tar.zst). */
  rootfs: string;
  /** Transport reference of the output, e.g. `oci:out/imported`. */
  output: string;
  /** os/arch[/variant] of the image (default: this machine's). */
  platform?: string;
  /** SOURCE_DATE_EPOCH for this import (default: the context's environment, else 0). */
  epoch?: number;
}

export interface ImportReport extends ArtifactSummary {
  output: string;
  /** Entries (paths) the layer holds. */
  entries: number;
}

/** Turns a root file system tarball into a one-layer image and writes it to `output`. */
export async function importRootfs(ctx: Context, req: ImportRequest): Promise<ImportReport> {
  const output = parseTransportRef(req.output);
  const epoch = req.epoch === undefined ? ctx.epoch() : checkEpoch(req.epoch, 'epoch');
  const platform: Platform = req.platform ? normalizePlatform(parsePlatform(req.platform)) : hostPlatform();
  const where = `rootfs ${req.rootfs}`;
  const entries = await readEntries(req.rootfs, where, ctx.signal);
  throwIfAborted(ctx.signal);
  // the history names no host path: the same tarball gives the same digest wherever it lies
  const layer = await layerFromEntries(entries, {
    epoch,
    createdBy: 'pith import: a root file system tarball',
  });
  const image = buildImage({ config: { ...platform, config: {} }, layers: [layer], epoch });
  ctx.emit({ type: 'phase', phase: 'write', item: `${req.output} (${image.manifest.digest})` });
  await writeArtifact(output, image, ctx.remote('push'));
  return { output: req.output, entries: entries.length, ...describeArtifact(image) };
}

/** Every entry of the tarball, decompressed as its first bytes say; the root directory itself left out. */
async function readEntries(
  file: string,
  where: string,
  signal: AbortSignal | undefined,
): Promise<TarEntry[]> {
  const kind = await tarCompression(file, where, { singular: 'a tarball', plural: 'tarballs' });
  // a path written twice (an appended tar) keeps its first position and its last content, as tar extracts
  const byPath = new Map<string, TarEntry>();
  for await (const e of readTar(decompress(fileChunks(file, where), kind))) {
    throwIfAborted(signal);
    if (e.path === '') continue; // the root directory
    const { data, ...meta } = e;
    byPath.set(e.path, e.type === 'file' ? { ...meta, content: () => once(data) } : meta);
  }
  return [...byPath.values()];
}

async function* once(data: Buffer): AsyncIterable<Buffer> {
  yield data;
}
