// SLSA provenance v1 (`https://slsa.dev/provenance/v1`; briefs/anchors-2026.md §4) of an image pith built:
// the builder, the config and lock as external parameters, and every input resolved as a dependency —
// each .deb by sha256 and pool path, each suite's InRelease by sha256, the base image by digest, tarballs
// and the Node.js binary by sha256 — and the image's layers as byproducts, each naming the package it holds,
// so that `pith verify --provenance` can walk image ↔ provenance ↔ lock ↔ InRelease and name what differs.

export const PITH_BUILDER_ID = 'urn:pith:builder';
export const PITH_BUILD_TYPE = 'urn:pith:build-type:image:v1';
/** Annotations of pith's resource descriptors. */
export const ProvenanceAnnotation = {
  kind: 'dev.pith.kind',
  suite: 'dev.pith.debian.suite',
  component: 'dev.pith.debian.component',
  version: 'dev.pith.debian.version',
  architecture: 'dev.pith.debian.architecture',
  createdBy: 'dev.pith.layer.createdBy',
  diffId: 'dev.pith.layer.diffId',
  package: 'dev.pith.layer.package',
} as const;

export interface ProvenanceDeb {
  name: string;
  version: string;
  architecture: string;
  sha256: string;
  /** The pool path (the Packages index's Filename). */
  filename: string;
  suite: string;
  /** The archive component whose index lists it (main, contrib…). */
  component: string;
  /** Its package URL, as pith's SBOMs write it. */
  purl: string;
}

export interface ProvenanceLayer {
  digest: string;
  mediaType: string;
  diffId: string;
  createdBy?: string;
}

export interface ProvenanceInput {
  pithVersion: string;
  /** The image's platform, e.g. linux/amd64. */
  platform: string;
  /** What the build was asked: config file (path and sha256) or preset, variant, output. */
  externalParameters: Record<string, unknown>;
  debs: readonly ProvenanceDeb[];
  suites: readonly { suite: string; inReleaseSha256: string; date?: string }[];
  base?: { name: string; digest: string };
  tarballs?: readonly { source: string; sha256: string }[];
  node?: { version: string; url: string; sha256: string };
  layers: readonly ProvenanceLayer[];
  /** RFC 3339 times; the build's SOURCE_DATE_EPOCH when one is set, so the predicate is reproducible. */
  startedOn: string;
  finishedOn: string;
}

interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest: Record<string, string>;
  mediaType?: string;
  annotations?: Record<string, string>;
}

/** The package a layer holds, from the history line pith writes for it (`pith: debian NAME VERSION ARCH`). */
export function layerPackage(createdBy: string | undefined): string | undefined {
  const m = /^pith: debian (\S+) (\S+) (\S+)$/.exec(createdBy ?? '');
  return m ? `${m[1]} ${m[2]} ${m[3]}` : undefined;
}

/** The SLSA v1 predicate of one image. */
export function slsaProvenance(input: ProvenanceInput): Record<string, unknown> {
  const hex = (d: string) => d.replace(/^sha256:/, '');
  const resolved: ResourceDescriptor[] = [
    ...input.suites.map((s) => ({
      name: `debian/dists/${s.suite}/InRelease`,
      digest: { sha256: s.inReleaseSha256 },
      annotations: { [ProvenanceAnnotation.kind]: 'InRelease', ...(s.date ? { date: s.date } : {}) },
    })),
    ...input.debs.map((d) => ({
      name: d.filename,
      uri: d.purl,
      digest: { sha256: d.sha256 },
      annotations: {
        [ProvenanceAnnotation.kind]: 'deb',
        [ProvenanceAnnotation.suite]: d.suite,
        [ProvenanceAnnotation.component]: d.component,
        [ProvenanceAnnotation.version]: d.version,
        [ProvenanceAnnotation.architecture]: d.architecture,
      },
    })),
    ...(input.base
      ? [
          {
            name: input.base.name,
            uri: `oci://${input.base.name}`,
            digest: { sha256: hex(input.base.digest) },
            annotations: { [ProvenanceAnnotation.kind]: 'base-image' },
          },
        ]
      : []),
    ...(input.tarballs ?? []).map((t) => ({
      name: t.source,
      digest: { sha256: t.sha256 },
      annotations: { [ProvenanceAnnotation.kind]: 'tarball' },
    })),
    ...(input.node
      ? [
          {
            name: `nodejs ${input.node.version}`,
            uri: input.node.url,
            digest: { sha256: input.node.sha256 },
            annotations: { [ProvenanceAnnotation.kind]: 'nodejs' },
          },
        ]
      : []),
  ];
  const byproducts: ResourceDescriptor[] = input.layers.map((l, i) => {
    const pkg = layerPackage(l.createdBy);
    return {
      name: `layers/${i}`,
      digest: { sha256: hex(l.digest) },
      mediaType: l.mediaType,
      annotations: {
        [ProvenanceAnnotation.diffId]: l.diffId,
        ...(l.createdBy ? { [ProvenanceAnnotation.createdBy]: l.createdBy } : {}),
        ...(pkg ? { [ProvenanceAnnotation.package]: pkg } : {}),
      },
    };
  });
  return {
    buildDefinition: {
      buildType: PITH_BUILD_TYPE,
      externalParameters: input.externalParameters,
      internalParameters: { platform: input.platform },
      resolvedDependencies: resolved,
    },
    runDetails: {
      builder: { id: PITH_BUILDER_ID, version: { pith: input.pithVersion } },
      metadata: { startedOn: input.startedOn, finishedOn: input.finishedOn },
      byproducts,
    },
  };
}
