// Builds the image a loaded config describes: an accounts layer (shared by every pith image, so it is
// stored once by registries and caches) and a files layer, per architecture; one image for one arch, an
// OCI index for several. Layers that do not depend on the arch are built once.
import { basename } from 'node:path';
import type { Compression } from '../compress/index.ts';
import { type BuiltLayer, layerFromEntries } from '../layer/index.ts';
import { type Artifact, buildImage, buildIndexOf, type Image } from '../oci/index.ts';
import { FileTree } from '../tar/index.ts';
import { accountNodes } from './accounts.ts';
import { type Arch, archPlatform, hostArch } from './arch.ts';
import type { LoadedConfig } from './config-load.ts';
import { checkEntrypoint } from './entrypoint-check.ts';
import { execConfig } from './exec-config.ts';
import { addContentEntry } from './host-files.ts';

export interface BuildOptions {
  /** SOURCE_DATE_EPOCH: every time in the image is clamped to it. */
  epoch: number;
  compression?: Compression;
  level?: number;
  /** Called as each step starts, for progress output. */
  onStep?: (step: string) => void;
}

export interface BuildResult {
  artifact: Artifact;
  images: { arch: Arch; image: Image; layers: BuiltLayer[] }[];
}

/** Builds the artifact for a config. */
export async function buildFromConfig(loaded: LoadedConfig, opts: BuildOptions): Promise<BuildResult> {
  const archs = loaded.config.archs ?? [hostArch()];
  const config = execConfig(loaded);
  const layerOpts = {
    epoch: opts.epoch,
    compression: opts.compression ?? 'gzip',
    ...(opts.level !== undefined ? { level: opts.level } : {}),
  };
  const accounts = loaded.config.accounts === false ? undefined : accountsTree(opts.epoch);
  const accountsLayer = accounts
    ? await layerFromEntries(accounts.entries(), {
        ...layerOpts,
        createdBy: 'pith: accounts (root, nobody, nonroot), /root, /home/nonroot, /tmp',
      })
    : undefined;
  const perArch = (loaded.config.files ?? []).some((f) => f.src?.includes('{arch}'));
  const filesLayers = new Map<string, BuiltLayer | undefined>();
  const images: BuildResult['images'] = [];
  for (const arch of archs) {
    opts.onStep?.(`${arch}: collecting files`);
    const tree = await filesTree(loaded, arch, opts.epoch);
    checkEntrypoint(loaded, accounts ? [accounts, tree] : [tree]);
    const key = perArch ? arch : '*';
    if (!filesLayers.has(key)) {
      opts.onStep?.(`${arch}: writing layer (${tree.size} entries)`);
      filesLayers.set(
        key,
        tree.size
          ? await layerFromEntries(tree.entries(), {
              ...layerOpts,
              createdBy: `pith: files from ${basename(loaded.file)}`,
            })
          : undefined,
      );
    }
    const layers = [accountsLayer, filesLayers.get(key)].filter((l): l is BuiltLayer => l !== undefined);
    const platform = archPlatform(arch);
    const image = buildImage({
      config: { ...platform, config },
      layers,
      epoch: opts.epoch,
      ...(loaded.config.annotations ? { annotations: loaded.config.annotations } : {}),
    });
    images.push({ arch, image, layers });
  }
  const artifact =
    images.length === 1
      ? images[0]!.image
      : buildIndexOf(
          images.map((i) => i.image),
          loaded.config.annotations,
        );
  return { artifact, images };
}

function accountsTree(epoch: number): FileTree {
  const tree = new FileTree();
  for (const [path, node] of accountNodes(epoch)) tree.add(path, node);
  return tree;
}

async function filesTree(loaded: LoadedConfig, arch: Arch, epoch: number): Promise<FileTree> {
  const tree = new FileTree();
  const ctx = { tree, baseDir: loaded.baseDir, arch, where: loaded.where };
  for (const [i, entry] of (loaded.config.files ?? []).entries()) await addContentEntry(ctx, entry, i);
  // A directory entry in an upper layer replaces the lower one's attributes (image-spec layer.md), so
  // implicit parents such as /tmp or /home/nonroot must keep the accounts layer's modes and owners.
  if (loaded.config.accounts !== false) {
    for (const [path, node] of accountNodes(epoch))
      if (node.type === 'dir' && tree.get(path)?.implicit) tree.add(path, node);
  }
  return tree;
}
