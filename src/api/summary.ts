// A JSON-friendly summary of an artifact: what `build`, `inspect` and `--json` report (platforms, layers
// with sizes, the config's execution defaults).
import {
  type Artifact,
  configPlatform,
  formatPlatform,
  type Image,
  imagesOf,
  topDocument,
} from '../oci/index.ts';

export interface LayerSummary {
  digest: string;
  size: number;
  mediaType: string;
  diffId?: string;
}

export interface ImageSummary {
  digest: string;
  mediaType: string;
  platform?: string;
  configDigest: string;
  created?: string;
  user?: string;
  entrypoint?: string[] | null;
  cmd?: string[] | null;
  env?: string[];
  workdir?: string;
  labels?: Record<string, string>;
  exposedPorts?: string[];
  volumes?: string[];
  stopSignal?: string;
  annotations?: Record<string, string>;
  layers: LayerSummary[];
  /** Sum of the config and layer blob sizes (what a pull transfers). */
  size: number;
}

export interface ArtifactSummary {
  digest: string;
  mediaType: string;
  size: number;
  annotations?: Record<string, string>;
  images: ImageSummary[];
}

/** Summarises an artifact. */
export function describeArtifact(a: Artifact): ArtifactSummary {
  const top = topDocument(a);
  const annotations = a.kind === 'index' ? a.index.value.annotations : undefined;
  return {
    digest: top.digest,
    mediaType: top.mediaType,
    size: top.size,
    ...(annotations ? { annotations } : {}),
    images: imagesOf(a).map(describeImage),
  };
}

function describeImage(img: Image): ImageSummary {
  const m = img.manifest.value;
  const c = img.config?.value;
  const x = c?.config ?? {};
  const diffIds = c?.rootfs?.diff_ids ?? [];
  const layers = m.layers.map((l, i) => ({
    digest: l.digest,
    size: l.size,
    mediaType: l.mediaType,
    ...(diffIds[i] ? { diffId: diffIds[i] } : {}),
  }));
  const out: ImageSummary = {
    digest: img.manifest.digest,
    mediaType: img.manifest.mediaType,
    configDigest: m.config.digest,
    layers,
    size: m.config.size + m.layers.reduce((s, l) => s + l.size, 0),
  };
  if (c) out.platform = formatPlatform(configPlatform(c));
  if (c?.created) out.created = c.created;
  if (x.User !== undefined) out.user = x.User;
  if (x.Entrypoint !== undefined) out.entrypoint = x.Entrypoint;
  if (x.Cmd !== undefined) out.cmd = x.Cmd;
  if (x.Env) out.env = x.Env;
  if (x.WorkingDir !== undefined) out.workdir = x.WorkingDir;
  if (x.Labels) out.labels = x.Labels;
  if (x.ExposedPorts) out.exposedPorts = Object.keys(x.ExposedPorts);
  if (x.Volumes) out.volumes = Object.keys(x.Volumes);
  if (x.StopSignal) out.stopSignal = x.StopSignal;
  if (m.annotations) out.annotations = m.annotations;
  return out;
}
