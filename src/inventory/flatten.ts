// The flattened root file system of an image: its layers applied in order, as a container runtime would,
// with OCI whiteouts (image-spec layer.md: `.wh.NAME` deletes NAME and all below it from lower layers;
// `.wh..wh..opq` hides every lower-layer entry of its directory). Each path keeps the layer that wrote it
// last and, for regular files, the sha256 of its content. Files stream through (hashed piece by piece, never
// held whole), except the few whose content the inventory parses (package databases, os-release: kept
// within a size bound) and those a detector asks for (ELF files, Java archives).
import { createHash } from 'node:crypto';
import { decompress } from '../compress/index.ts';
import { type Blob, layerCompression } from '../oci/index.ts';
import { type StreamedEntry, streamTar } from '../tar/index.ts';
import { type Digest, PithError, throwIfAborted } from '../util/index.ts';
import type { Detected } from './file-detectors.ts';
import { UsageTally } from './layer-usage.ts';
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
  /** What each layer adds and what later layers hide. */
  usage: UsageTally;
  /**
   * The directory tree of `files` (every ancestor, whether or not it has an entry of its own), so that a
   * whiteout removes what lies below it in time proportional to that, not to the whole file system.
   */
  children: Map<string, Set<string>>;
}

export interface FlattenOptions {
  /** Which paths' content to keep (regular files at most MAX_KEPT_BYTES). */
  keep: (path: string, size: number) => boolean;
  signal?: AbortSignal | undefined;
  /** Looks at the content of the regular files it `wants` (by path, size and first bytes); what it returns is kept by path. */
  detect?: {
    wants: (path: string, size: number, head: Buffer) => boolean;
    detect: (path: string, data: Buffer) => Detected | undefined | Promise<Detected | undefined>;
  };
  /**
   * Looks at the content of the regular files it `wants` in EVERY layer, also those a later layer
   * overwrites or deletes (what secret scanning needs: a deleted file is still in the image).
   */
  scan?: {
    wants: (path: string, size: number, head: Buffer) => boolean;
    file: (path: string, layer: number, data: Buffer) => void;
  };
  /** Names the image in messages. */
  where: string;
}

/** Applies the layers in order and returns the file system they make. */
export async function flatten(layers: readonly Blob[], opts: FlattenOptions): Promise<FlatFileSystem> {
  const fs: FlatFileSystem = {
    files: new Map(),
    kept: new Map(),
    detected: new Map(),
    usage: new UsageTally(),
    children: new Map(),
  };
  for (const [index, layer] of layers.entries()) {
    throwIfAborted(opts.signal);
    const compression = layerCompression(layer.descriptor.mediaType);
    if (compression === undefined)
      throw new PithError(
        'invalid',
        'NOT_A_LAYER',
        `${opts.where}: layer ${index} (${layer.descriptor.digest}) has media type ${layer.descriptor.mediaType}, not a layer`,
      );
    fs.usage.layer();
    await applyLayer(fs, index, streamTar(decompress(layer.open(), compression)), opts);
  }
  return fs;
}

type LayerEntries = AsyncIterable<StreamedEntry>;

async function applyLayer(fs: FlatFileSystem, index: number, entries: LayerEntries, opts: FlattenOptions) {
  for await (const e of entries) {
    if (e.path === '') continue; // the root directory
    const slash = e.path.lastIndexOf('/');
    const dir = slash < 0 ? '' : e.path.slice(0, slash);
    const base = e.path.slice(slash + 1);
    if (base === OPAQUE) {
      fs.usage.whiteout(
        e.path,
        removeBelow(fs, dir, (f) => f.layer < index),
      );
      continue;
    }
    if (base.startsWith(WHITEOUT)) {
      const target = `${dir ? `${dir}/` : ''}${base.slice(WHITEOUT.length)}`;
      if (base === WHITEOUT) continue; // `.wh.` names nothing (it would otherwise hide its whole directory)
      fs.usage.whiteout(target, remove(fs, target) + removeBelow(fs, target, () => true));
      continue;
    }
    // a non-directory replaces a whole lower directory; a directory over a directory merges
    const lower = fs.files.get(e.path);
    if (lower && lower.type === 'dir' && e.type !== 'dir') removeBelow(fs, e.path, () => true);
    else if (lower) fs.usage.hide(lower.path, lower.layer, lower.size);
    fs.usage.entry(e.path, e.type === 'dir', e.type === 'file' ? e.size : 0);
    const file: InventoryFile = {
      path: e.path,
      type: e.type,
      size: e.type === 'file' ? e.size : 0,
      mode: e.mode,
      uid: e.uid,
      gid: e.gid,
      layer: index,
      ...(e.linkTarget !== undefined ? { linkTarget: e.linkTarget } : {}),
    };
    fs.files.set(e.path, file);
    addToTree(fs, e.path);
    fs.kept.delete(e.path);
    fs.detected.delete(e.path);
    if (e.type !== 'file') continue;
    const keep = e.size <= MAX_KEPT_BYTES && opts.keep(e.path, e.size);
    const wanted = { detect: false, scan: false };
    const wants = (path: string, size: number, head: Buffer) => {
      wanted.detect = opts.detect?.wants(path, size, head) ?? false;
      wanted.scan = opts.scan?.wants(path, size, head) ?? false;
      return wanted.detect || wanted.scan;
    };
    const { sha256, data } = await consume(e, keep, opts.detect || opts.scan ? wants : undefined);
    file.sha256 = sha256;
    if (keep) fs.kept.set(e.path, data!);
    if (data && wanted.scan) opts.scan?.file(e.path, index, data);
    const found = data && wanted.detect ? await opts.detect?.detect(e.path, data) : undefined;
    if (found) fs.detected.set(e.path, found);
  }
}

/** Bytes of a file's start that `wants` is shown (enough for any magic number pith looks at). */
const HEAD = 4;

/**
 * Reads a file's body through sha256; its content too when `keep`, or when `wants` asks for it on seeing
 * the file's first bytes (at least HEAD of them, or the whole file when it is shorter). Until `wants`
 * answers, only those first pieces are held.
 */
async function consume(
  e: StreamedEntry,
  keep: boolean,
  wants: ((path: string, size: number, head: Buffer) => boolean) | undefined,
): Promise<{ sha256: Digest; data?: Buffer }> {
  const hash = createHash('sha256');
  let pieces: Buffer[] | undefined = keep ? [] : undefined;
  let head: Buffer[] | undefined = wants ? [] : undefined;
  let headBytes = 0;
  const decide = () => {
    const first = head!;
    head = undefined;
    if (wants!(e.path, e.size, Buffer.concat(first))) pieces ??= [];
    pieces?.push(...first);
  };
  for await (const piece of e.body) {
    hash.update(piece);
    if (head) {
      head.push(piece);
      headBytes += piece.length;
      if (headBytes >= HEAD) decide();
      continue;
    }
    pieces?.push(piece);
  }
  if (head) decide();
  const sha256: Digest = `sha256:${hash.digest('hex')}`;
  return pieces ? { sha256, data: Buffer.concat(pieces, e.size) } : { sha256 };
}

/** Adds a path and its ancestors to the directory tree. */
function addToTree(fs: FlatFileSystem, path: string): void {
  for (let child = path; ; ) {
    const slash = child.lastIndexOf('/');
    const parent = slash < 0 ? '' : child.slice(0, slash);
    let kids = fs.children.get(parent);
    if (!kids) {
      kids = new Set();
      fs.children.set(parent, kids);
    }
    if (kids.has(child)) return;
    kids.add(child);
    if (parent === '') return;
    child = parent;
  }
}

/** Drops a path from the tree once it has neither an entry nor anything below it, and its emptied parents. */
function prune(fs: FlatFileSystem, path: string): void {
  for (let child = path; child !== ''; ) {
    if (fs.files.has(child) || fs.children.get(child)?.size) return;
    fs.children.delete(child);
    const slash = child.lastIndexOf('/');
    const parent = slash < 0 ? '' : child.slice(0, slash);
    fs.children.get(parent)?.delete(child);
    child = parent;
  }
}

/** Removes a path (a later layer hides it); returns the bytes of the file removed. */
function remove(fs: FlatFileSystem, path: string): number {
  const f = fs.files.get(path);
  if (!f) return 0;
  fs.files.delete(path);
  fs.kept.delete(path);
  fs.detected.delete(path);
  fs.usage.hide(path, f.layer, f.size);
  prune(fs, path);
  return f.size;
}

/** Removes the entries strictly below `dir` that `which` selects; returns the bytes of the files removed. */
function removeBelow(fs: FlatFileSystem, dir: string, which: (f: InventoryFile) => boolean): number {
  let bytes = 0;
  const walk = (d: string) => {
    for (const child of [...(fs.children.get(d) ?? [])]) {
      walk(child);
      const f = fs.files.get(child);
      if (f && which(f)) bytes += remove(fs, child);
      else prune(fs, child);
    }
  };
  walk(dir);
  return bytes;
}
