// The `manifest.json` of docker-archive (moby image spec v1.2 "Combined Image JSON + Filesystem Changeset"):
// what classic `docker load` reads. Types, a parser with clear errors, and the entry pith writes.

import { checkCount, type Image, LIMITS, parseJson } from '../../oci/index.ts';
import { PithError } from '../../util/index.ts';
import { blobPath } from '../layout/paths.ts';

export interface DockerManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
  Parent?: string;
  LayerSources?: Record<string, unknown>;
}

/** Parses manifest.json bytes (within the size, nesting and count limits). */
export function parseDockerManifestJson(raw: Buffer, where: string): DockerManifestEntry[] {
  const at = `${where}: manifest.json`;
  const value = parseJson(raw, at, LIMITS.archiveManifestBytes);
  if (!Array.isArray(value))
    throw new PithError('invalid', 'BAD_ARCHIVE', `${where}: manifest.json must be a JSON array`);
  checkCount(value.length, LIMITS.archiveImages, at, 'the list of images');
  value.forEach((e: Record<string, unknown>, i) => {
    const layers = e?.['Layers'];
    if (typeof e?.['Config'] !== 'string' || !Array.isArray(layers)) {
      throw new PithError('invalid', 'BAD_ARCHIVE', `${where}: manifest.json[${i}] needs Config and Layers`);
    }
    checkCount(layers.length, LIMITS.layers, at, `[${i}].Layers`);
  });
  return value as DockerManifestEntry[];
}

/** The manifest.json entry for an image whose blobs sit in the OCI layout of the same archive. */
export function dockerEntryFor(image: Image, repoTags: string[]): DockerManifestEntry {
  return {
    Config: blobPath(image.manifest.value.config.digest),
    RepoTags: repoTags,
    Layers: image.manifest.value.layers.map((l) => blobPath(l.digest)),
  };
}
