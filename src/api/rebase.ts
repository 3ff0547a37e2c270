// `rebase`: an image's base layers replaced by those of a new base, every platform of an index, as crane
// rebase and ko do (briefs/builders.md §4): the image must really sit on its old base (its first layers'
// diff_ids are the old base's, else it is refused naming the platform and the layer); its own layers stay
// byte for byte what they were, its config (entrypoint, env, user…) is kept; the rootfs and history get the
// new base's entries in place of the old base's, and the base annotations name the new base.
import { type BaseForArch, baseFor } from '../assemble/index.ts';
import type { Arch } from '../config/index.ts';
import {
  Annotation,
  type Annotations,
  type Artifact,
  editImage,
  formatReference,
  type HistoryEntry,
  type Image,
  type ImageConfigJson,
  imagesOf,
  parseReference,
  topDocument,
} from '../oci/index.ts';
import { type Digest, PithError } from '../util/index.ts';
import type { Context } from './context.ts';
import { type EditedImage, type EditReport, editArtifact, imageArch } from './image-edit.ts';

export interface RebaseRequest {
  /** The image to rebase: any transport reference (a bare path is a layout or an archive). */
  source: string;
  /** The new base: a registry reference (`docker://` optional) or a transport reference. */
  base: string;
  /** Where to write the result: any transport reference. */
  output: string;
  /**
   * The base the image was built on. Default: what its `org.opencontainers.image.base.name` annotation
   * names, at its `base.digest` (so a tag that has moved since still finds the old base).
   */
  oldBase?: string;
}

export interface BaseUsed {
  name: string;
  /** The manifest digest of the platform's base image. */
  digest: string;
  layers: number;
}

/** One platform of a rebased image. */
export interface RebaseImage extends EditedImage {
  oldBase: BaseUsed;
  newBase: BaseUsed;
  /** The image's own layers (above its base), kept as they were. */
  appLayers: number;
}

export interface RebaseReport extends EditReport<RebaseImage> {
  /** The new base and the digest it was read at (the index for a multi-platform base). */
  base: { name: string; digest: string };
}

/** Rebases every platform of `req.source` onto `req.base` and writes the result to `req.output`. */
export async function rebase(ctx: Context, req: RebaseRequest): Promise<RebaseReport> {
  const loads = new Map<string, Promise<Artifact>>();
  const load = (reference: string) => {
    let p = loads.get(reference);
    if (!p) {
      p = ctx.loadBase(reference);
      loads.set(reference, p);
    }
    return p;
  };
  const name = baseName(req.base);
  const fresh = await load(req.base);
  const digest = topDocument(fresh).digest;
  const report = await editArtifact(
    ctx,
    req,
    async (image, platform, source) => {
      const where = `${req.source} (${platform})`;
      const arch = imageArch(image, where, 'pith rebase picks bases by Debian architecture');
      const old = await oldBaseOf(image, source, req, load, arch, where);
      checkOnBase(image, old, where);
      const neu = baseFor(fresh, name, arch);
      return { image: rebased(image, old, neu), facts: facts(image, old, neu) };
    },
    (a) =>
      a?.[Annotation.baseName] ? { ...a, [Annotation.baseName]: name, [Annotation.baseDigest]: digest } : a,
  );
  return { ...report, base: { name, digest } };
}

/** How a base is named in annotations and messages: a registry reference without `docker://`. */
function baseName(reference: string): string {
  return reference.replace(/^docker:\/\//, '');
}

/** The old base of one platform's image: --old-base, else the image's base annotations. */
async function oldBaseOf(
  image: Image,
  source: Artifact,
  req: RebaseRequest,
  load: (reference: string) => Promise<Artifact>,
  arch: Arch,
  where: string,
): Promise<BaseForArch> {
  const annotations: Annotations = {
    ...(source.kind === 'index' ? source.index.value.annotations : {}),
    ...image.manifest.value.annotations,
  };
  const name = req.oldBase ? baseName(req.oldBase) : annotations[Annotation.baseName];
  if (!name)
    throw new PithError(
      'input',
      'NO_OLD_BASE',
      `${where}: names no base image (annotation ${Annotation.baseName}); give the old base with --old-base`,
    );
  const digest = req.oldBase ? undefined : (annotations[Annotation.baseDigest] as Digest | undefined);
  const artifact = await load(digest ? pinned(name, digest) : (req.oldBase ?? name));
  // the annotation names the platform's manifest (pith, buildkit) or the base's index
  const exact = digest ? imagesOf(artifact).find((i) => i.manifest.digest === digest) : undefined;
  return baseFor(exact ?? artifact, name, arch);
}

/** A registry base pinned to a digest (its tag may have moved since); a layout or an archive as it is named. */
function pinned(name: string, digest: Digest): string {
  if (/^(oci|oci-archive|docker-archive):/.test(name)) return name;
  const { tag: _tag, ...ref } = parseReference(name);
  return `docker://${formatReference({ ...ref, digest })}`;
}

/** Refuses an image whose first layers are not its old base's. */
function checkOnBase(image: Image, old: BaseForArch, where: string): void {
  const ids = image.config!.value.rootfs.diff_ids;
  const base = old.layers.map((l) => l.diffId);
  const name = old.annotations[Annotation.baseName];
  if (base.length > ids.length)
    throw new PithError(
      'input',
      'NOT_ON_BASE',
      `${where}: has ${ids.length} layer(s), fewer than the ${base.length} of its old base ${name}`,
    );
  const i = base.findIndex((d, n) => ids[n] !== d);
  if (i >= 0)
    throw new PithError(
      'input',
      'NOT_ON_BASE',
      `${where}: layer ${i} (diff_id ${ids[i]}) is not layer ${i} of the old base ${name} (${base[i]}): the image is not built on it`,
    );
}

/** The image on its new base: the new base's layers and history, then the image's own, its config kept. */
function rebased(image: Image, old: BaseForArch, neu: BaseForArch): Image {
  const { history, ...c }: ImageConfigJson = image.config!.value;
  const n = old.layers.length;
  const own = rebasedHistory(history, old, neu);
  const config: ImageConfigJson = {
    ...c,
    rootfs: { type: 'layers', diff_ids: [...neu.layers.map((l) => l.diffId), ...c.rootfs.diff_ids.slice(n)] },
    ...(own ? { history: own } : {}),
  };
  const layers = [...neu.layers.map((l) => l.blob), ...image.layers.slice(n)];
  return editImage(image, config, layers, { ...image.manifest.value.annotations, ...neu.annotations });
}

/**
 * The new base's history, then the image's entries after its old base's (ggcr mutate.Rebase skips as many
 * entries as the old base has, which needs the entries that add layers to pair with the layers: when the
 * image's history does not agree with that count, its entries up to the old base's last layer are skipped).
 */
function rebasedHistory(
  history: HistoryEntry[] | null | undefined,
  old: BaseForArch,
  neu: BaseForArch,
): HistoryEntry[] | undefined {
  if (!history) return undefined;
  const layers = old.layers.length;
  const adding = (h: readonly HistoryEntry[]) => h.filter((e) => !e.empty_layer).length;
  let skip = old.history.length;
  if (skip > history.length || adding(history.slice(0, skip)) !== layers) {
    skip = history.length;
    let seen = 0;
    for (const [i, e] of history.entries()) {
      if (seen === layers) {
        skip = i;
        break;
      }
      if (!e.empty_layer) seen++;
    }
  }
  return [...neu.history, ...history.slice(skip)];
}

function facts(image: Image, old: BaseForArch, neu: BaseForArch) {
  const used = (b: BaseForArch): BaseUsed => ({
    name: b.annotations[Annotation.baseName]!,
    digest: b.annotations[Annotation.baseDigest]!,
    layers: b.layers.length,
  });
  return { oldBase: used(old), newBase: used(neu), appLayers: image.layers.length - old.layers.length };
}
