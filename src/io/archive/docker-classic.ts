// Reads classic `docker save` archives (manifest.json + config JSON + layer tars). Layers are hashed
// while reading to give them descriptors; the result is a Docker schema-2 image whose synthesised
// manifest names the stored (usually uncompressed) layer files.

import { detectCompression } from '../../compress/index.ts';
import {
  type Blob,
  familiarName,
  formatReference,
  type Image,
  type ImageReference,
  JsonDocument,
  LIMITS,
  type ManifestJson,
  MediaType,
  memoryBlob,
  parseImageConfig,
  parseReference,
  withDefaultTag,
} from '../../oci/index.ts';
import { type Digest, digestStream, PithError, sha256 } from '../../util/index.ts';
import type { FileSource } from '../file-source.ts';
import { type DockerManifestEntry, parseDockerManifestJson } from './docker-manifest-json.ts';

/** Reads one image from a classic docker-archive. */
export async function readClassicDockerArchive(
  src: FileSource,
  sel: { name?: ImageReference; index?: number },
): Promise<Image> {
  const raw = await src.read('manifest.json', LIMITS.archiveManifestBytes);
  if (!raw)
    throw new PithError(
      'input',
      'NOT_AN_ARCHIVE',
      `${src.name}: neither an OCI layout nor a docker-archive (no manifest.json)`,
    );
  const entry = pick(parseDockerManifestJson(raw, src.name), sel, src.name);
  const configRaw = await src.read(entry.Config, LIMITS.configBytes);
  if (!configRaw)
    throw new PithError('invalid', 'MISSING_MEMBER', `${src.name}: config ${entry.Config} is missing`);
  const config = parseImageConfig(configRaw, MediaType.dockerConfig, `${src.name}: ${entry.Config}`);
  // A path listed more than once is hashed once.
  const byPath = new Map<string, Blob>();
  const layers: Blob[] = [];
  for (const path of entry.Layers) {
    const blob = byPath.get(path) ?? (await layerBlob(src, path));
    byPath.set(path, blob);
    layers.push(blob);
  }
  const value: ManifestJson = {
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: { mediaType: MediaType.dockerConfig, digest: sha256(configRaw), size: configRaw.length },
    layers: layers.map((l) => l.descriptor),
  };
  const manifest = JsonDocument.of(value, MediaType.dockerManifest);
  return {
    kind: 'image',
    manifest,
    config,
    configBlob: memoryBlob(manifest.value.config, configRaw),
    layers,
  };
}

function pick(
  entries: DockerManifestEntry[],
  sel: { name?: ImageReference; index?: number },
  where: string,
): DockerManifestEntry {
  if (sel.index !== undefined) {
    const e = entries[sel.index];
    if (!e)
      throw new PithError(
        'input',
        'TAG_NOT_FOUND',
        `${where}: has ${entries.length} images, no @${sel.index}`,
      );
    return e;
  }
  if (sel.name) {
    const want = formatReference(withDefaultTag(sel.name));
    // Docker writes familiar names (busybox:latest), skopeo full ones (docker.io/library/busybox:latest).
    const e = entries.find((x) => x.RepoTags?.some((t) => sameName(t, want)));
    if (!e)
      throw new PithError(
        'input',
        'TAG_NOT_FOUND',
        `${where}: no image named ${familiarName(withDefaultTag(sel.name))} (names: ${entries.flatMap((x) => x.RepoTags ?? []).join(', ') || 'none'})`,
      );
    return e;
  }
  if (entries.length !== 1)
    throw new PithError(
      'input',
      'AMBIGUOUS',
      `${where}: holds ${entries.length} images; name one with :NAME:TAG or :@INDEX`,
    );
  return entries[0]!;
}

function sameName(repoTag: string, want: string): boolean {
  try {
    return formatReference(withDefaultTag(parseReference(repoTag))) === want;
  } catch {
    return false;
  }
}

/** A layer member as a blob: hashed now for its descriptor, streamed again when copied. */
async function layerBlob(src: FileSource, path: string): Promise<Blob> {
  let head: Buffer = Buffer.alloc(0);
  const { digest, size } = await digestStream(
    (async function* () {
      for await (const c of src.open(path)) {
        if (head.length < 8) head = Buffer.concat([head, c.subarray(0, 8)]);
        yield c;
      }
    })(),
  );
  const kind = detectCompression(head);
  const mediaType =
    kind === 'gzip'
      ? MediaType.dockerLayerGzip
      : kind === 'zstd'
        ? MediaType.ociLayerZstd
        : MediaType.dockerLayer;
  return { descriptor: { mediaType, digest: digest as Digest, size }, open: () => src.open(path) };
}
