// Helpers for the tests of the verbs that edit images (debug, rebase): a one- or multi-platform OCI layout
// written from tar entries in memory, and a reading of a layout that does not go through pith's reader
// (index.json → manifests → configs, parsed by hand) with layer listings from the host's tar.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeLayoutDir } from '../../src/io/index.ts';
import { layerFromEntries } from '../../src/layer/index.ts';
import {
  type Annotations,
  buildImage,
  buildIndexOf,
  type ExecConfig,
  type Image,
} from '../../src/oci/index.ts';
import type { TarEntry } from '../../src/tar/index.ts';
import { blobPath, type LayoutImage, layoutImages } from '../e2e/helpers.ts';
import { run } from '../helpers.ts';

const PLATFORMS: Record<string, { architecture: string; variant?: string }> = {
  amd64: { architecture: 'amd64' },
  arm64: { architecture: 'arm64', variant: 'v8' },
  mips64le: { architecture: 'mips64le' }, // no Debian architecture pith knows
};

export interface LayoutSpec {
  archs: string[];
  /** The layers of each architecture's image, lowest first. */
  layers: (arch: string) => TarEntry[][];
  config?: ExecConfig;
  annotations?: Annotations;
  indexAnnotations?: Annotations;
}

/** Writes an image (one arch) or an index (several) to `dir/name` under tag v1; returns its `oci:` reference. */
export async function writeLayout(dir: string, name: string, spec: LayoutSpec): Promise<string> {
  const images: Image[] = [];
  for (const arch of spec.archs) {
    const layers = [];
    for (const [i, entries] of spec.layers(arch).entries())
      layers.push(
        await layerFromEntries(entries, { epoch: 0, compression: 'gzip', createdBy: `${name} layer ${i}` }),
      );
    images.push(
      buildImage({
        config: { os: 'linux', ...PLATFORMS[arch]!, ...(spec.config ? { config: spec.config } : {}) },
        layers,
        epoch: 0,
        ...(spec.annotations ? { annotations: spec.annotations } : {}),
      }),
    );
  }
  const artifact = images.length === 1 ? images[0]! : buildIndexOf(images, spec.indexAnnotations);
  await writeLayoutDir(join(dir, name), artifact, { tag: 'v1' });
  return `oci:${join(dir, name)}:v1`;
}

/** The images of an `oci:DIR:TAG` reference, read by hand. */
export function imagesAt(ref: string): Promise<LayoutImage[]> {
  const [, path, tag] = /^oci:([^:]+):(.+)$/.exec(ref)!;
  return layoutImages(path!, tag!);
}

/** The annotations of the document (index or manifest) an `oci:DIR:TAG` reference names, read by hand. */
export async function topAnnotationsAt(ref: string): Promise<Annotations | undefined> {
  const [, path, tag] = /^oci:([^:]+):(.+)$/.exec(ref)!;
  const index = JSON.parse(await readFile(join(path!, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations?: Annotations }[];
  };
  const top = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag)!;
  const [alg, hex] = top.digest.split(':');
  const doc = JSON.parse(await readFile(join(path!, 'blobs', alg!, hex!), 'utf8')) as {
    annotations?: Annotations;
  };
  return doc.annotations;
}

/** `tar -tvzf` of a layer of a layout: `type name[ -> target]` per entry, as GNU tar lists them. */
export async function layerListing(ref: string, digest: string): Promise<string[]> {
  const [, path] = /^oci:([^:]+)/.exec(ref)!;
  const r = await run('tar', ['-tvzf', blobPath(path!, digest)]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const f = line.split(/\s+/);
      return `${f[0]![0]} ${f.slice(5).join(' ')}`;
    });
}

/** One member of a layer of a layout, extracted with the host's tar. */
export async function layerMember(ref: string, digest: string, member: string): Promise<string> {
  const [, path] = /^oci:([^:]+)/.exec(ref)!;
  const r = await run('tar', ['-xzOf', blobPath(path!, digest), member]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}
