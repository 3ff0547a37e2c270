// The `manifest.json` of docker-archive (moby image spec v1.2 "Combined Image JSON + Filesystem Changeset"):
// what classic `docker load` reads. Types, a parser with clear errors, and the entry pith writes.

import type { Image } from '../../oci/index.ts';
import { PithError } from '../../util/index.ts';
import { blobPath } from '../layout/paths.ts';

export interface DockerManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
  Parent?: string;
  LayerSources?: Record<string, unknown>;
}

/** Parses manifest.json bytes. */
export function parseDockerManifestJson(raw: Buffer, where: string): DockerManifestEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (cause) {
    throw new PithError('invalid', 'BAD_ARCHIVE', `${where}: manifest.json is not valid JSON`, { cause });
  }
  if (!Array.isArray(value))
    throw new PithError('invalid', 'BAD_ARCHIVE', `${where}: manifest.json must be a JSON array`);
  value.forEach((e: Record<string, unknown>, i) => {
    if (typeof e?.['Config'] !== 'string' || !Array.isArray(e['Layers'])) {
      throw new PithError('invalid', 'BAD_ARCHIVE', `${where}: manifest.json[${i}] needs Config and Layers`);
    }
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
