// A config's `from:` base image, per architecture: the platform's image of a multi-platform base (or the
// single image, if its platform matches), its layers with their diff_ids, its history and execution config,
// and the annotations that name it (image-spec annotations.md: base.name, base.digest). The build stays
// free of registry I/O: the caller supplies the artifact (api/ pulls it).

import { type Arch, archPlatform } from '../config/index.ts';
import {
  Annotation,
  type Annotations,
  type Artifact,
  configPlatform,
  type ExecConfig,
  formatPlatform,
  type HistoryEntry,
  type Image,
  imagesOf,
  type LayerBlob,
  platformMatches,
  topDocument,
} from '../oci/index.ts';
import type { Digest } from '../util/index.ts';
import { PithError } from '../util/index.ts';

export interface BaseForArch {
  layers: LayerBlob[];
  history: HistoryEntry[];
  config: ExecConfig;
  annotations: Annotations;
}

/** Loads a base image reference (transport or registry reference) as an artifact. */
export type LoadBase = (reference: string) => Promise<Artifact>;

/** The base image's part of an architecture's image. */
export function baseFor(artifact: Artifact, name: string, arch: Arch): BaseForArch {
  const image = pick(artifact, name, arch);
  const config = image.config!.value;
  const diffIds = config.rootfs.diff_ids as Digest[];
  if (diffIds.length !== image.layers.length) {
    throw new PithError(
      'invalid',
      'BAD_BASE',
      `base ${name}: config lists ${diffIds.length} diff_ids for ${image.layers.length} layers`,
    );
  }
  const layers = image.layers.map((blob, i) => ({ blob, diffId: diffIds[i]! }));
  const history = config.history ?? image.layers.map(() => ({ created_by: `base ${name}` }));
  return {
    layers,
    history,
    config: config.config ?? {},
    annotations: { [Annotation.baseName]: name, [Annotation.baseDigest]: image.manifest.digest },
  };
}

/** The digest that pins a base (the index for a multi-platform base). */
export function baseDigest(artifact: Artifact): Digest {
  return topDocument(artifact).digest;
}

function pick(artifact: Artifact, name: string, arch: Arch): Image {
  const want = archPlatform(arch);
  const images = imagesOf(artifact).filter((i) => i.config);
  const hit = images.find((i) => platformMatches(want, configPlatform(i.config!.value)));
  if (hit) return hit;
  const have = images.map((i) => formatPlatform(configPlatform(i.config!.value))).join(', ') || 'none';
  throw new PithError(
    'input',
    'NO_SUCH_PLATFORM',
    `base ${name} has no image for ${formatPlatform(want)} (platforms: ${have})`,
  );
}
