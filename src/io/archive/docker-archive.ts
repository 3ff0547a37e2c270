// docker-archive, written as the Docker ≥ 25 hybrid: one tar that is a complete OCI layout (for containerd,
// podman and skopeo) plus `manifest.json` (for classic `docker load`), sharing the same blobs. manifest.json
// describes single-platform images only, so for an index it lists the image for the host platform (or the
// first); index.json keeps the whole index. Reading accepts the hybrid and classic `docker save` tars.
import {
  type Artifact,
  configPlatform,
  type Descriptor,
  familiarName,
  formatReference,
  hostPlatform,
  type Image,
  type ImageReference,
  imagesOf,
  platformMatches,
  withDefaultTag,
} from '../../oci/index.ts';
import { PithError } from '../../util/index.ts';
import { layoutDescriptor } from '../layout/index-json.ts';
import { OCI_LAYOUT_FILE } from '../layout/paths.ts';
import { readLayout } from '../layout/read.ts';
import { writeArchiveFile } from './archive-file.ts';
import { readClassicDockerArchive } from './docker-classic.ts';
import { dockerEntryFor } from './docker-manifest-json.ts';
import { bytesMember, layoutMembers } from './layout-members.ts';
import { type OpenArchiveOptions, openArchive } from './open-archive.ts';

/** Writes an artifact as a docker-archive, atomically; returns its index.json descriptor. */
export async function writeDockerArchive(
  file: string,
  artifact: Artifact,
  name?: ImageReference,
  signal?: AbortSignal,
): Promise<Descriptor> {
  const ref = name ? withDefaultTag(name) : undefined;
  const entry = layoutDescriptor(artifact, ref ? { tag: ref.tag, fullName: formatReference(ref) } : {});
  const image = loadableImage(artifact);
  const manifestJson = Buffer.from(JSON.stringify([dockerEntryFor(image, ref ? [familiarName(ref)] : [])]));
  await writeArchiveFile(
    file,
    [...layoutMembers(artifact, entry), bytesMember('manifest.json', manifestJson)],
    `docker-archive:${file}`,
    signal,
  );
  return entry;
}

/** The one image of an artifact that classic `docker load` will see. */
function loadableImage(artifact: Artifact): Image {
  const images = imagesOf(artifact).filter((i) => i.config);
  const host = hostPlatform();
  const image = images.find((i) => platformMatches(host, configPlatform(i.config!.value))) ?? images[0];
  if (!image)
    throw new PithError(
      'input',
      'NOT_AN_IMAGE',
      'a docker-archive needs at least one image with an image config',
    );
  return image;
}

/** Reads an image from a docker-archive, hybrid (via its OCI layout) or classic (via manifest.json). */
export async function readDockerArchive(
  file: string,
  sel: { name?: ImageReference; index?: number } & OpenArchiveOptions = {},
): Promise<Artifact> {
  const { name: _n, index: _i, ...archive } = sel;
  const src = await openArchive(file, `docker-archive:${file}`, archive);
  if ((await src.size(OCI_LAYOUT_FILE)) !== undefined && sel.index === undefined) {
    const ref = sel.name ? withDefaultTag(sel.name) : undefined;
    return readLayout(src, ref ? { name: formatReference(ref) } : {});
  }
  return readClassicDockerArchive(src, sel);
}
