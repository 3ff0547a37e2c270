// The frame of the verbs that edit existing images (debug, rebase), as crane's mutate and rebase do: read
// the source from any transport, edit the image of each platform, write the result to any transport
// (atomically: nothing is written unless every platform was edited), and report the new digests.
import { type Arch, platformArch } from '../config/index.ts';
import { parseTransportRef, readArtifact, writeArtifact } from '../io/index.ts';
import {
  type Annotations,
  type Artifact,
  configPlatform,
  type Descriptor,
  editImages,
  formatPlatform,
  type Image,
  imagesOf,
  topDocument,
} from '../oci/index.ts';
import { PithError } from '../util/index.ts';
import type { Context } from './context.ts';

/** One platform's image before and after an edit. */
export interface EditedImage {
  platform: string;
  /** The manifest digest of the source image. */
  sourceDigest: string;
  /** The manifest digest of the edited image. */
  digest: string;
  /** How many layers the edited image has. */
  layers: number;
}

export interface EditReport<I extends EditedImage = EditedImage> {
  source: string;
  output: string;
  /** The digest of what was written (the index for several platforms). */
  digest: string;
  mediaType: string;
  images: I[];
}

/** What an edit of one image returns: the new image and what the report says of it besides the digests. */
export interface ImageEdit<X> {
  image: Image;
  facts: X;
}

/** Reads what `req.source` names, edits each platform's image and writes the result to `req.output`. */
export async function editArtifact<X>(
  ctx: Context,
  req: { source: string; output: string },
  edit: (image: Image, platform: string, artifact: Artifact) => Promise<ImageEdit<X>>,
  indexAnnotations?: (a: Annotations | undefined) => Annotations | undefined,
): Promise<EditReport<EditedImage & X>> {
  const output = parseTransportRef(req.output);
  const source = await readArtifact(parseTransportRef(req.source, { allowBarePath: true }), ctx.read());
  if (!imagesOf(source).some((i) => i.config))
    throw new PithError('input', 'NOT_AN_IMAGE', `${req.source}: holds no image with an image config`);
  const images: (EditedImage & X)[] = [];
  const edited = await editImages(
    source,
    async (image) => {
      const platform = formatPlatform(configPlatform(image.config!.value));
      checkLayers(image, `${req.source} (${platform})`);
      const { image: out, facts } = await edit(image, platform, source);
      images.push({
        platform,
        sourceDigest: image.manifest.digest,
        digest: out.manifest.digest,
        layers: out.layers.length,
        ...facts,
      });
      return out;
    },
    indexAnnotations,
  );
  ctx.emit({ type: 'phase', phase: 'write', item: `${req.output} (${topDocument(edited).digest})` });
  const written = await writeArtifact(output, edited, {
    ...ctx.remote('push'),
    onBlob: (d: Descriptor, how: 'uploaded' | 'present' | 'mounted') =>
      ctx.emit({ type: 'blob', digest: d.digest, size: d.size, how }),
  });
  return {
    source: req.source,
    output: req.output,
    digest: written.digest,
    mediaType: written.mediaType,
    images,
  };
}

/** The Debian architecture of an image's platform; an image of another platform is refused. */
export function imageArch(image: Image, where: string, why: string): Arch {
  const platform = configPlatform(image.config!.value);
  const arch = platformArch(platform);
  if (!arch)
    throw new PithError(
      'input',
      'UNSUPPORTED_PLATFORM',
      `${where}: platform ${formatPlatform(platform)} is no Debian architecture; ${why}`,
    );
  return arch;
}

/** An image whose config and manifest disagree on its layers cannot be edited layer by layer. */
function checkLayers(image: Image, where: string): void {
  const diffIds = image.config!.value.rootfs.diff_ids.length;
  if (diffIds !== image.layers.length)
    throw new PithError(
      'invalid',
      'LAYER_COUNT_MISMATCH',
      `${where}: its config lists ${diffIds} diff_ids for ${image.layers.length} layers`,
    );
}
