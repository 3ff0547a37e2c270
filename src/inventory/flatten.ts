// The flattened root file system of an image: its layers applied in order, as a container runtime would,
// with OCI whiteouts (image-spec layer.md: `.wh.NAME` deletes NAME and all below it from lower layers;
// `.wh..wh..opq` hides every lower-layer entry of its directory). Each path keeps the layer that wrote it
// last and, for regular files, the sha256 of its content. The content of a few files the inventory
// parses (package databases, os-release) is kept, within a size bound.
import { createHash } from 'node:crypto';
import { decompress } from '../compress/index.ts';
import { type Blob, layerCompression } from '../oci/index.ts';
import { readTar } from '../tar/index.ts';
import { type Digest, PithError, throwIfAborted } from '../util/index.ts';
import type { Detected } from './file-detectors.ts';
import type { InventoryFile } from './types.ts';

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** A database or os-release file larger than this is not read (dpkg's status on a big system: a few MiB). */
export const MAX_KEPT_BYTES = 64 << 20;

export interface FlatFileSystem {
  /** Every path, whiteouts applied. */
  files: Map<string, InventoryFile>;
  /** The content of the paths `keep` chose, as the top-most layer left them. */
  kept: Map<string, Buffer>;
  /** What `detect` found in regular files, by path, as the top-most layer left them. */
  detected: Map<string, Detected>;
}

export interface FlattenOptions {
  /** Which paths' content to keep (regular files at most MAX_KEPT_BYTES). */
  keep: (path: string, size: number) => boolean;
  signal?: AbortSignal | undefined;
  /** Looks at every regular file's content as it streams past; what it returns is kept by path. */
  detect?: (path: string, data: Buffer) => Detected | undefined | Promise<Detected | undefined>;
  /** Names the image in messages. */
  where: string;
}

/** Applies the layers in order and returns the file system they make. */
export async function flatten(layers: readonly Blob[], opts: FlattenOptions): Promise<FlatFileSystem> {
  const fs: FlatFileSystem = { files: new Map(), kept: new Map(), detected: new Map() };
  for (const [index, layer] of layers.entries()) {
    throwIfAborted(opts.signal);
    const compression = layerCompression(layer.descriptor.mediaType);
    if (compression === undefined)
      throw new PithError(
        'invalid',
        'NOT_A_LAYER',
        `${opts.where}: layer ${index} (${layer.descriptor.digest}) has media type ${layer.descriptor.mediaType}, not a layer`,
      );
    await applyLayer(fs, index, readTar(decompress(layer.open(), compression)), opts);
  }
  return fs;
}

type LayerEntries = ReturnType<typeof readTar>;

async function applyLayer(fs: FlatFileSystem, index: number, entries: LayerEntries, opts: FlattenOptions) {
  for await (const e of entries) {
    if (e.path === '') continue; // the root directory
    const slash = e.path.lastIndexOf('/');
    const dir = slash < 0 ? '' : e.path.slice(0, slash);
    const base = e.path.slice(slash + 1);
    if (base === OPAQUE) {
      removeBelow(fs, dir, (f) => f.layer < index);
      continue;
    }
    if (base.startsWith(WHITEOUT)) {
      const target = `${dir ? `${dir}/` : ''}${base.slice(WHITEOUT.length)}`;
      remove(fs, target);
      removeBelow(fs, target, () => true);
      continue;
    }
    // a non-directory replaces a whole lower directory; a directory over a directory merges
    const lower = fs.files.get(e.path);
    if (lower && lower.type === 'dir' && e.type !== 'dir') removeBelow(fs, e.path, () => true);
    const file: InventoryFile = {
      path: e.path,
      type: e.type,
      size: e.type === 'file' ? e.size : 0,
      mode: e.mode,
      uid: e.uid,
      gid: e.gid,
      layer: index,
      ...(e.linkTarget !== undefined ? { linkTarget: e.linkTarget } : {}),
      ...(e.type === 'file' ? { sha256: sha256Of(e.data) } : {}),
    };
    fs.files.set(e.path, file);
    if (e.type === 'file' && e.size <= MAX_KEPT_BYTES && opts.keep(e.path, e.size))
      fs.kept.set(e.path, e.data);
    else fs.kept.delete(e.path);
    const found = e.type === 'file' ? await opts.detect?.(e.path, e.data) : undefined;
    if (found) fs.detected.set(e.path, found);
    else fs.detected.delete(e.path);
  }
}

function remove(fs: FlatFileSystem, path: string): void {
  fs.files.delete(path);
  fs.kept.delete(path);
  fs.detected.delete(path);
}

/** Removes the entries strictly below `dir` that `which` selects. */
function removeBelow(fs: FlatFileSystem, dir: string, which: (f: InventoryFile) => boolean): void {
  const prefix = dir === '' ? '' : `${dir}/`;
  for (const [path, f] of fs.files) if (path.startsWith(prefix) && path !== dir && which(f)) remove(fs, path);
}

function sha256Of(data: Buffer): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
