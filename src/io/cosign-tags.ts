// cosign's legacy tags in a registry (briefs/oci.md §15): `sha256-<hex>.sig` holds a digest's signatures and
// `sha256-<hex>.att` its attestations, one layer each, in the image's own repository. Reading gives the
// layers with their payload bytes (bounded); adding a signature reads the tag, appends the layer and puts
// the tag back, as cosign does. Layouts and archives have no such tags.
import {
  buildSignatureImage,
  cosignTag,
  type ImageReference,
  type SignedLayer,
  verifiedContent,
} from '../oci/index.ts';
import { type Digest, isPithError, PithError, readAll } from '../util/index.ts';
import type { PushOptions } from './registry/push.ts';
import { pullRemote, pushRemote, type RemoteOptions } from './registry/remote.ts';

/** Layers read from one tag at most, and bytes of one payload at most. */
const MAX_LAYERS = 256;
const MAX_PAYLOAD = 64 << 20;
const MISSING = new Set(['MANIFEST_UNKNOWN', 'NOT_FOUND', 'NAME_UNKNOWN', 'TAG_NOT_FOUND']);

/** The layers of a digest's `.sig` or `.att` tag; none when the tag is missing. */
export async function readCosignTag(
  ref: ImageReference,
  digest: Digest,
  kind: 'sig' | 'att',
  opts: RemoteOptions = {},
): Promise<SignedLayer[]> {
  const tag = cosignTag(digest, kind);
  const where = `${ref.registry}/${ref.repository}:${tag}`;
  let artifact: Awaited<ReturnType<typeof pullRemote>>;
  try {
    artifact = await pullRemote({ ...ref, tag, digest: undefined } as ImageReference, opts);
  } catch (err) {
    if (isPithError(err) && MISSING.has(err.code)) return [];
    throw err;
  }
  if (artifact.kind !== 'image')
    throw new PithError('input', 'NOT_AN_IMAGE', `${where} is an index, not a cosign signature image`);
  if (artifact.layers.length > MAX_LAYERS)
    throw new PithError(
      'invalid',
      'LIMIT_EXCEEDED',
      `${where} has ${artifact.layers.length} layers (at most ${MAX_LAYERS} are read)`,
    );
  const out: SignedLayer[] = [];
  for (const blob of artifact.layers) {
    const d = blob.descriptor;
    if (d.size > MAX_PAYLOAD)
      throw new PithError(
        'invalid',
        'LIMIT_EXCEEDED',
        `${where}: layer ${d.digest} is ${d.size} bytes (at most ${MAX_PAYLOAD})`,
      );
    out.push({
      mediaType: d.mediaType,
      payload: await readAll(verifiedContent(blob, where)),
      annotations: { ...d.annotations },
    });
  }
  return out;
}

/** How many layers a digest's `.sig` or `.att` tag holds (0 when it is missing), without reading them. */
export async function cosignTagSize(
  ref: ImageReference,
  digest: Digest,
  kind: 'sig' | 'att',
  opts: RemoteOptions = {},
): Promise<number> {
  try {
    const tag = cosignTag(digest, kind);
    const artifact = await pullRemote({ ...ref, tag, digest: undefined } as ImageReference, opts);
    return artifact.kind === 'image' ? artifact.layers.length : 0;
  } catch (err) {
    if (isPithError(err) && MISSING.has(err.code)) return 0;
    throw err;
  }
}

/** Puts `layers` under the digest's `.sig` or `.att` tag (the tag's whole content: read it first to append). */
export async function writeCosignTag(
  ref: ImageReference,
  digest: Digest,
  kind: 'sig' | 'att',
  layers: readonly SignedLayer[],
  opts: RemoteOptions & PushOptions = {},
): Promise<string> {
  const tag = cosignTag(digest, kind);
  await pushRemote({ ...ref, tag, digest: undefined } as ImageReference, buildSignatureImage(layers), opts);
  return tag;
}
