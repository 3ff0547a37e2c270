// Shared fixtures for the OCI model and io tests: small real layers (tar bytes from the tar writer, gzipped
// with node:zlib), images and a two-platform index built with the real builders, and helpers that derive a
// corrupted variant of an artifact one field at a time (keeping everything else consistent). Also the
// small test-only utilities the OCI and io tests share: reading a whole blob, the empty descriptor.
import { gzipSync } from 'node:zlib';
import {
  type Blob,
  buildImage,
  buildIndex,
  buildIndexOf,
  buildManifest,
  type Descriptor,
  type Image,
  type ImageConfigJson,
  type Index,
  JsonDocument,
  type LayerBlob,
  type ManifestJson,
  MediaType,
  memoryBlob,
} from '../../src/oci/index.ts';
import { bytesEntry, type TarEntry, writeTar } from '../../src/tar/index.ts';
import { type Digest, sha256 } from '../../src/util/index.ts';

/** Concatenates a stream of chunks. */
export async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

/** Reads a whole blob into one buffer. */
export function readBlob(blob: Blob): Promise<Buffer> {
  return collect(blob.open());
}

/** The empty descriptor (`{}`), for artifact configs and layers that carry nothing. */
export const EMPTY_DESCRIPTOR: Descriptor = {
  mediaType: MediaType.ociEmpty,
  digest: sha256('{}'),
  size: 2,
  data: Buffer.from('{}').toString('base64'),
};

/** A stream replaying a buffer in pieces of `piece` bytes. */
export async function* chunksOf(b: Buffer, piece = 1000): AsyncIterable<Buffer> {
  for (let i = 0; i < b.length; i += piece) yield b.subarray(i, i + piece);
}

/** A root-owned 0644 file entry for the tar writer, holding `data`. */
export const fileEntry = bytesEntry;

/** A small deterministic tar holding the given files (parents listed first, mtime 0, root-owned). */
export async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const entries: TarEntry[] = [];
  const dirs = new Set<string>();
  for (const path of Object.keys(files).sort()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      entries.push({ path: dir, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 });
    }
    entries.push(fileEntry(path, Buffer.from(files[path]!, 'utf8')));
  }
  return collect(writeTar(entries));
}

/** A gzip layer over some tar bytes: the blob is the gzip, the diff_id the sha256 of the tar. */
export function gzipLayer(tar: Buffer, createdBy?: string): LayerBlob {
  const gz = gzipSync(tar);
  const blob = memoryBlob({ mediaType: MediaType.ociLayerGzip, digest: sha256(gz), size: gz.length }, gz);
  return { blob, diffId: sha256(tar), ...(createdBy ? { createdBy } : {}) };
}

/** The two layers of `smallImage(arch)`: a shared base layer and one that depends on `arch`. */
export async function smallLayers(arch: string): Promise<LayerBlob[]> {
  const base = await tarOf({
    'etc/os-release': 'ID=pith\n',
    'etc/passwd': 'root:x:0:0::/root:/sbin/nologin\n',
  });
  const app = await tarOf({ 'app/hello': `#!hello for ${arch}\n`, [`app/${arch}.txt`]: arch });
  return [gzipLayer(base, 'base files'), gzipLayer(app, `app for ${arch}`)];
}

/** A valid two-layer linux image for `arch` (variant v8 for arm64), built with `buildImage`. */
export async function smallImage(
  arch = 'amd64',
  opts: { epoch?: number; annotations?: Record<string, string> } = {},
): Promise<Image> {
  return buildImage({
    config: {
      architecture: arch,
      os: 'linux',
      ...(arch === 'arm64' ? { variant: 'v8' } : {}),
      config: { Entrypoint: ['/app/hello'], Env: ['PATH=/app'] },
    },
    layers: await smallLayers(arch),
    epoch: opts.epoch ?? 1_700_000_000,
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  });
}

/** A valid index of linux/amd64 and linux/arm64/v8 images (their base layer is shared). */
export async function twoPlatformIndex(): Promise<Index> {
  return buildIndexOf([await smallImage('amd64'), await smallImage('arm64')]);
}

/** The image's config value (it always has one in these fixtures). */
export function configOf(img: Image): ImageConfigJson {
  if (!img.config) throw new Error('fixture image has no config');
  return img.config.value;
}

/** A copy of an image whose manifest value is changed by `mutate` (config and blobs untouched). */
export function withManifest(
  img: Image,
  mutate: (m: ManifestJson) => void,
  layers: readonly Blob[] = img.layers,
): Image {
  const value = structuredClone(img.manifest.value);
  mutate(value);
  return { ...img, manifest: JsonDocument.of(value, img.manifest.mediaType), layers };
}

/** A copy of an image whose config is changed by `mutate`; the manifest's config descriptor is updated. */
export function withConfig(img: Image, mutate: (c: ImageConfigJson) => void): Image {
  const value = structuredClone(configOf(img));
  mutate(value);
  const config = JsonDocument.of(value, MediaType.ociConfig);
  const configBlob = memoryBlob(config.descriptor(), config.raw);
  const manifest = buildManifest({
    config: config.descriptor(),
    layers: img.manifest.value.layers,
    ...(img.manifest.value.annotations ? { annotations: img.manifest.value.annotations } : {}),
  });
  return { ...img, config, configBlob, manifest };
}

/** A copy of an index whose `manifests[]` descriptors are changed by `mutate` (children untouched). */
export function withIndexEntries(
  ix: Index,
  mutate: (entries: Descriptor[]) => void,
  children = ix.children,
): Index {
  const entries = structuredClone(ix.index.value.manifests);
  mutate(entries);
  return { kind: 'index', index: buildIndex(entries), children };
}

/** Another sha256 digest of the same shape (for corrupting descriptors). */
export function otherDigest(seed = 'other'): Digest {
  return sha256(`not the content: ${seed}`);
}

/** Files of a classic `docker save` directory (moby image spec v1.2) for one image. */
export interface ClassicSave {
  files: Record<string, Buffer>;
  configRaw: Buffer;
  configHex: string;
  layerTars: Buffer[];
}

/** Builds the members of a classic docker-archive: `<hex>.json`, `<id>/layer.tar`, manifest.json, repositories. */
export async function classicDockerSave(repoTag = 'busybox:latest'): Promise<ClassicSave> {
  const layerTars = [
    await tarOf({ 'bin/busybox': 'not really busybox\n' }),
    await tarOf({ 'etc/hostname': 'classic\n' }),
  ];
  const configRaw = Buffer.from(
    JSON.stringify(
      {
        architecture: 'amd64',
        os: 'linux',
        config: { Cmd: ['sh'], Env: ['PATH=/bin'] },
        created: '2020-01-01T00:00:00Z',
        rootfs: { type: 'layers', diff_ids: layerTars.map((t) => sha256(t)) },
        history: [{ created_by: 'ADD busybox' }, { created_by: 'ADD hostname' }],
        docker_version: '20.10.0',
      },
      null,
      2,
    ),
  );
  const configHex = sha256(configRaw).slice('sha256:'.length);
  const ids = layerTars.map((_, i) => sha256(`layer id ${i}`).slice('sha256:'.length));
  const files: Record<string, Buffer> = { [`${configHex}.json`]: configRaw };
  ids.forEach((id, i) => {
    files[`${id}/VERSION`] = Buffer.from('1.0');
    files[`${id}/json`] = Buffer.from(JSON.stringify({ id, ...(i > 0 ? { parent: ids[i - 1] } : {}) }));
    files[`${id}/layer.tar`] = layerTars[i]!;
  });
  const [repo, tag] = repoTag.split(':') as [string, string];
  files['manifest.json'] = Buffer.from(
    JSON.stringify([
      { Config: `${configHex}.json`, RepoTags: [repoTag], Layers: ids.map((id) => `${id}/layer.tar`) },
    ]),
  );
  files['repositories'] = Buffer.from(JSON.stringify({ [repo]: { [tag]: ids[ids.length - 1] } }));
  return { files, configRaw, configHex, layerTars };
}
