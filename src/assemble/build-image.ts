// Builds the image a loaded config describes, per architecture: Debian package layers (one per package,
// shared across images and architectures; plus the packages the image's own ELF files need,
// binary-libraries.ts), pith's metadata layer, busybox for debug variants, the accounts layer (identical
// in every pith image), the Node.js runtime, the files layer (written through the packages' directory
// symlinks) and an app's layers (app-layers.ts). One image for one architecture, an OCI index for several.
import { basename, resolve } from 'node:path';
import { ContentCache, DebianSession, type NetworkOptions, type PackageStores } from '../apt-repo/index.ts';
import type { Compression } from '../compress/index.ts';
import type { LoadedConfig } from '../config/index.ts';
import { type Arch, archPlatform, DEFAULT_SUITE, hostArch, withPreset } from '../config/index.ts';
import {
  type BuiltLayer,
  type LayerOptions,
  LayerStore,
  layerFromEntries,
  type RemoteLayers,
} from '../layer/index.ts';
import {
  checkLockMatches,
  LOCK_VERSION,
  type Lock,
  type LockedNode,
  type LockedSuite,
  type LockedTarball,
  lockedPackages,
  lockedSuite,
  lockInputs,
} from '../lockfile/index.ts';
import {
  NODE_LAYOUT_VERSION,
  type NodeBinary,
  type NodeFetch,
  nodeBinaries,
  nodeTree,
  resolveNode,
} from '../node/index.ts';
import { type Artifact, buildImage, buildIndexOf, type Image, type LayerBlob } from '../oci/index.ts';
import {
  type InstallResult,
  installDebian,
  type LayerCache,
  minedPackages,
  planFromLock,
  planPackages,
} from '../rootfs/index.ts';
import { FileTree } from '../tar/index.ts';
import { type OnEvent, PithError, throwIfAborted } from '../util/index.ts';
import { accountNodes } from './accounts.ts';
import { type AppImage, appImage, withAppConfig } from './app-layers.ts';
import { baseDigest, baseFor, type LoadBase } from './base-image.ts';
import { dynamicElfFiles, libraryPackages, withPackages } from './binary-libraries.ts';
import { contextDir } from './build-context.ts';
import { checkEntrypoint } from './entrypoint-check.ts';
import { execConfig } from './exec-config.ts';
import { addContentEntry, type FilesContext, fieldError } from './host-files.ts';
import { javaAnnotations, withJavaRuntime } from './java-runtime.ts';
import { checkLockedTarballs, lockedTarballs } from './tarball-lock.ts';
import { tarballDownload } from './tarball-source.ts';
import { throughLowerLinks } from './through-links.ts';
import { applyVariant } from './variant.ts';

export interface BuildOptions {
  /** SOURCE_DATE_EPOCH: every time in the image is clamped to it. */
  epoch: number;
  compression?: Compression;
  level?: number;
  /** Download cache directory (default: XDG cache). */
  cacheDir?: string;
  /** Use only cached downloads. */
  offline?: boolean;
  /**
   * Keep compressed layers in the cache directory and reuse them by diff_id (default true); false
   * compresses every layer in memory.
   */
  layerCache?: boolean;
  /**
   * Shared stores: a registry repository that caches layers and .deb files for many runners (asked
   * before compressing or downloading, given what was made), and registries holding a lock's .deb files
   * (asked when the archive no longer serves one).
   */
  shared?: { layers?: RemoteLayers; packages?: PackageStores };
  /** Build exactly the packages of this lock (pith build --locked). */
  lock?: Lock;
  /** Where the lock came from, for messages. */
  lockFile?: string;
  /** Loads a `from:` base image (the api layer pulls it); required when a config has `from`. */
  loadBase?: LoadBase;
  /** Idle timeout and cancel signal for the mirrors; the signal also stops the build between steps. */
  network?: NetworkOptions;
  /** Hears progress: phases, and warnings (what the user should know but that does not stop the build). */
  onEvent?: OnEvent;
  /** The environment npm's config is read from (npm_config_registry…); default: this process's. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface BuildResult {
  artifact: Artifact;
  images: { arch: Arch; image: Image; layers: LayerBlob[]; debian?: InstallResult }[];
  /** The base image, by name and pinned digest. */
  base?: { name: string; digest: string };
  /** The config after its preset and variant were applied. */
  config: LoadedConfig;
  /** What the build read, for its provenance: each suite's verified InRelease, the tarballs, the Node.js binaries. */
  inputs: {
    suites: LockedSuite[];
    tarballs: LockedTarball[];
    node: Partial<Record<Arch, LockedNode>>;
  };
}

/** Applies the preset and variant a config names. */
export async function effectiveConfig(loaded: LoadedConfig): Promise<LoadedConfig> {
  const merged = await withPreset(loaded);
  const withDefault =
    merged.config.preset && !merged.config.variant
      ? { ...merged.config, variant: 'latest' as const }
      : merged.config;
  const config = { ...applyVariant(withDefault, loaded.config) };
  // `--arch amd64,amd64` (or a repeated list entry) means one image per architecture, not two identical ones
  if (config.archs) config.archs = [...new Set(config.archs)];
  return { ...merged, config };
}

/** Whether a config needs the Debian archive. */
function usesDebian(loaded: LoadedConfig): boolean {
  const c = loaded.config;
  return (
    (c.packages?.length ?? 0) > 0 ||
    c.caCertificates === true ||
    c.javaCacerts === true ||
    c.locale !== undefined ||
    (c.variant?.startsWith('debug') ?? false)
  );
}

/** Builds the artifact for a config. */
export async function buildFromConfig(input: LoadedConfig, opts: BuildOptions): Promise<BuildResult> {
  const loaded = await effectiveConfig(input);
  const c = loaded.config;
  const archs = c.archs ?? [hostArch()];
  const base = c.from ? await loadBaseFor(loaded, opts) : undefined;
  const layerOpts: LayerOptions = {
    epoch: opts.epoch,
    compression: opts.compression ?? 'gzip',
    ...(opts.level !== undefined ? { level: opts.level } : {}),
    ...(opts.layerCache === false
      ? {}
      : { store: new LayerStore(new ContentCache(opts.cacheDir), opts.onEvent, opts.shared?.layers) }),
  };
  // files first: a dynamically linked binary on scratch brings the Debian packages it needs
  if (opts.lock) checkLockedTarballs(loaded, opts.lock, opts.lockFile ?? 'pith.lock.json');
  if (opts.lock && c.node && !opts.lock.node)
    throw new PithError(
      'input',
      'LOCK_STALE',
      `${opts.lockFile ?? 'pith.lock.json'}: pins no Node.js binary; run pith lock again`,
    );
  if (c.node)
    opts.onEvent?.({ type: 'phase', phase: 'fetch-runtime', item: `Node.js ${c.node.version ?? ''}` });
  const nodes = c.node ? await nodeBinaries(c.node, archs, nodeFetch(loaded, opts), opts.lock?.node) : [];
  const fileTrees = new Map<Arch, FileTree[]>();
  for (const arch of archs) fileTrees.set(arch, await ownTrees(loaded, arch, opts.epoch, opts, nodes));
  const debianUsed = usesDebian(loaded) || (await needsLibraries(loaded, fileTrees));
  if (opts.lock) checkLockMatches(opts.lock, c, opts.lockFile ?? 'pith.lock.json', debianUsed ? archs : []);
  const session = debianUsed ? newSession(loaded, opts) : undefined;
  const cache: LayerCache = new Map();
  // a base image brings its own accounts; add pith's only when asked to
  const accounts =
    c.accounts === false || (base && c.accounts !== true) ? undefined : accountsTree(opts.epoch);
  const accountsLayer = accounts
    ? await layerFromEntries(accounts.entries(), {
        ...layerOpts,
        createdBy: 'pith: accounts (root, nobody, nonroot), /root, /home/nonroot, /tmp',
      })
    : undefined;
  const images: BuildResult['images'] = [];
  for (const arch of archs) {
    opts.onEvent?.({ type: 'phase', phase: 'collect-files', arch });
    // ownTrees: the files, then the runtime's tree when there is a runtime
    const [given, runtimeTree] = fileTrees.get(arch)! as [FileTree, FileTree?];
    const node = nodes.find((n) => n.arch === arch);
    const runtime = node && runtimeTree ? await runtimeLayer(node, runtimeTree, layerOpts, cache) : undefined;
    if (c.app) opts.onEvent?.({ type: 'phase', phase: 'app', arch });
    const app = c.app
      ? await appLayers(loaded, arch, layerOpts, cache, { ...opts, ownEntrypoint: !!input.config.entrypoint })
      : undefined;
    const own = [given, ...(runtime ? [runtime.tree] : []), ...(app?.trees ?? [])];
    const debian = session
      ? await installFor(
          session,
          loaded,
          arch,
          own,
          [...(accounts ? [accounts] : [])],
          layerOpts,
          cache,
          opts,
        )
      : undefined;
    throwIfAborted(opts.network?.signal);
    // the files go where extraction puts them: through the packages' directory symlinks (merged /usr)
    const tree = debian ? throughLowerLinks(given, debian.trees) : given;
    const imageConfig = withJavaRuntime(app ? withAppConfig(loaded, input, app) : loaded, debian);
    checkEntrypoint(imageConfig, [
      ...(debian?.trees ?? []),
      ...(accounts ? [accounts] : []),
      ...(runtime ? [runtime.tree] : []),
      tree,
      ...(app?.trees ?? []),
    ]);
    const filesLayer = tree.size ? await filesLayerFor(loaded, tree, arch, layerOpts, cache) : undefined;
    throwIfAborted(opts.network?.signal);
    const fromBase = base ? baseFor(base.artifact, base.name, arch) : undefined;
    const layers = [
      ...(fromBase?.layers ?? []),
      ...(debian?.layers ?? []),
      accountsLayer,
      runtime?.layer,
      filesLayer,
      ...(app?.layers ?? []),
    ].filter((l): l is LayerBlob => l !== undefined);
    const annotations = {
      ...fromBase?.annotations,
      ...c.annotations,
      ...nodeAnnotations(node),
      ...javaAnnotations(debian),
    };
    const image = buildImage({
      config: { ...archPlatform(arch), config: execConfig(imageConfig, fromBase?.config) },
      layers,
      epoch: opts.epoch,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ...(fromBase ? { baseHistory: fromBase.history } : {}),
    });
    images.push({ arch, image, layers, ...(debian ? { debian } : {}) });
  }
  const artifact =
    images.length === 1
      ? images[0]!.image
      : buildIndexOf(
          images.map((i) => i.image),
          c.annotations,
        );
  // a locked build reads no Release: the lock records the ones its packages were verified against
  const suites: LockedSuite[] = opts.lock && session ? [...opts.lock.suites] : [];
  if (session && !opts.lock)
    for (const ref of await session.suites()) suites.push(lockedSuite(ref, await session.release(ref)));
  const tarballs = await lockedTarballs(loaded, tarballDownload(opts));
  // the layers given to a shared cache repository have reached it
  await layerOpts.store?.settled();
  return {
    artifact,
    images,
    config: loaded,
    ...(base ? { base: { name: base.name, digest: baseDigest(base.artifact) } } : {}),
    inputs: { suites, tarballs, node: Object.fromEntries(nodes.map((n) => [n.arch, n.locked])) },
  };
}

/** Whether library resolution applies (not on a `from:` base, which brings its own) and finds dynamic ELF files. */
async function needsLibraries(loaded: LoadedConfig, trees: ReadonlyMap<Arch, FileTree[]>): Promise<boolean> {
  if (loaded.config.resolveLibraries === false || loaded.config.from) return false;
  for (const [arch, own] of trees) if ((await dynamicElfFiles(own, arch)).length > 0) return true;
  return false;
}

/** An architecture's trees known before Debian: the config's files, then the Node.js runtime's. */
async function ownTrees(
  loaded: LoadedConfig,
  arch: Arch,
  epoch: number,
  opts: Pick<BuildOptions, 'cacheDir' | 'offline' | 'network'>,
  nodes: readonly NodeBinary[],
): Promise<FileTree[]> {
  const node = nodes.find((n) => n.arch === arch);
  return [await filesTree(loaded, arch, epoch, tarballDownload(opts)), ...(node ? [nodeTree(node)] : [])];
}

/**
 * The Debian part of one architecture's image: the config's packages (or the lock's), then, when the
 * image's own ELF files (`own`: files, runtime, app) need libraries those packages do not ship, the packages
 * that ship them, resolved with their dependencies (a locked build refuses instead: the lock is stale).
 */
async function installFor(
  session: DebianSession,
  loaded: LoadedConfig,
  arch: Arch,
  own: readonly FileTree[],
  other: readonly FileTree[],
  layerOpts: LayerOptions,
  cache: LayerCache,
  opts: BuildOptions,
): Promise<InstallResult> {
  const c = loaded.config;
  opts.onEvent?.({ type: 'phase', phase: 'resolve', arch });
  const plan = opts.lock
    ? await planFromLock(session, opts.lock, arch)
    : await planPackages(session, c, arch);
  warn(opts, plan.warnings);
  throwIfAborted(opts.network?.signal);
  opts.onEvent?.({ type: 'phase', phase: 'install', arch });
  const debian = await installDebian(session, c, plan, layerOpts, cache);
  const extra = await extraLibraries(session, loaded, arch, own, [...debian.trees, ...other]);
  if (extra.length === 0) return debian;
  if (opts.lock)
    throw new PithError(
      'input',
      'LOCK_STALE',
      `${opts.lockFile ?? 'pith.lock.json'}: the image's binaries need ${extra.join(', ')}, which the lock does not pin; run pith lock again`,
    );
  const more = withPackages(c, extra);
  const again = await planPackages(session, more, arch);
  warn(opts, again.warnings);
  return installDebian(session, more, again, layerOpts, cache);
}

/** The packages the dynamic ELF files of `own` need beyond the image's files (`own` and `installed`). */
async function extraLibraries(
  session: DebianSession,
  loaded: LoadedConfig,
  arch: Arch,
  own: readonly FileTree[],
  installed: readonly FileTree[],
): Promise<string[]> {
  if (loaded.config.resolveLibraries === false || loaded.config.from) return [];
  const binaries = await dynamicElfFiles(own, arch);
  if (binaries.length === 0) return [];
  return (await libraryPackages(session, arch, binaries, [...installed, ...own])).packages;
}

/** Resolves a config's packages for every architecture into a lock (pith lock); nothing is downloaded but indexes. */
export async function makeLock(
  input: LoadedConfig,
  opts: Pick<BuildOptions, 'cacheDir' | 'offline' | 'network' | 'onEvent' | 'loadBase' | 'env'>,
): Promise<Lock> {
  const loaded = await effectiveConfig(input);
  const c = loaded.config;
  const lock: Lock = {
    lockfileVersion: LOCK_VERSION,
    inputs: lockInputs(c),
    suite: c.suite ?? DEFAULT_SUITE,
    suites: [],
    archs: {},
  };
  if (c.from) {
    const base = await loadBaseFor(loaded, { epoch: 0, ...opts });
    lock.base = { name: base.name, digest: baseDigest(base.artifact) };
  }
  const archs = c.archs ?? [hostArch()];
  if (c.node) lock.node = await resolveNode(c.node, archs, nodeFetch(loaded, opts));
  const nodes =
    c.node && lock.node ? await nodeBinaries(c.node, archs, nodeFetch(loaded, opts), lock.node) : [];
  const fileTrees = new Map<Arch, FileTree[]>();
  for (const arch of archs) fileTrees.set(arch, await ownTrees(loaded, arch, 0, opts, nodes));
  const tarballs = await lockedTarballs(loaded, tarballDownload(opts));
  if (tarballs.length) lock.tarballs = tarballs;
  if (!usesDebian(loaded) && !(await needsLibraries(loaded, fileTrees))) return lock;
  const session = newSession(loaded, { epoch: 0, ...opts });
  for (const arch of archs) {
    opts.onEvent?.({ type: 'phase', phase: 'resolve', arch });
    let plan = await planPackages(session, c, arch);
    warn(opts, plan.warnings);
    // the packages the config's own binaries need beyond these (the build adds the same): files, runtime, app
    const layerOpts: LayerOptions = { epoch: 0, compression: 'none' };
    const app = c.app
      ? await appLayers(loaded, arch, layerOpts, new Map(), { epoch: 0, ...opts, ownEntrypoint: true })
      : undefined;
    const own = [...fileTrees.get(arch)!, ...(app?.trees ?? [])];
    if ((await dynamicElfFiles(own, arch)).length > 0) {
      const installed = await installDebian(session, c, plan, layerOpts, new Map());
      const extra = await extraLibraries(session, loaded, arch, own, [...installed.trees, accountsTree(0)]);
      if (extra.length) plan = await planPackages(session, withPackages(c, extra), arch);
    }
    lock.archs[arch] = lockedPackages(plan.resolution, minedPackages(plan));
  }
  for (const ref of await session.suites()) lock.suites.push(lockedSuite(ref, await session.release(ref)));
  return lock;
}

/** Where the Node.js runtime comes from, and how it is fetched. */
function nodeFetch(
  loaded: LoadedConfig,
  opts: Pick<BuildOptions, 'cacheDir' | 'offline' | 'network' | 'env'>,
): NodeFetch {
  const keyring = loaded.config.node?.keyring;
  return {
    cache: new ContentCache(opts.cacheDir),
    cwd: loaded.baseDir,
    ...(opts.offline ? { offline: true } : {}),
    ...(opts.network ? { network: opts.network } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    ...(keyring ? { keyring: keyring.map((k) => resolve(loaded.baseDir, k)) } : {}),
  };
}

/** The runtime layer of one architecture (the same binary gives the same layer). */
async function runtimeLayer(
  node: NodeBinary,
  tree: FileTree,
  layerOpts: LayerOptions,
  cache: LayerCache,
): Promise<{ tree: FileTree; layer: BuiltLayer }> {
  const key = `node:${node.locked.sha256}`;
  let layer = cache.get(key);
  if (!layer) {
    const source = node.locked.from === 'npm' ? 'npm registry' : 'signed release';
    layer = layerFromEntries(tree.entries(), {
      ...layerOpts,
      createdBy: `pith: Node.js ${node.locked.version} (/nodejs/bin/node, from the ${source})`,
      inputs: `nodejs ${node.locked.sha256} layout=${NODE_LAYOUT_VERSION}`,
    });
    cache.set(key, layer);
  }
  return { tree, layer: await layer };
}

/** The image annotation naming the Node.js version, as distroless's nodejs images carry one. */
function nodeAnnotations(node: NodeBinary | undefined): Record<string, string> {
  return node ? { [NODE_VERSION_ANNOTATION]: node.locked.version } : {};
}

export const NODE_VERSION_ANNOTATION = 'dev.pith.nodejs.version';

function appLayers(
  loaded: LoadedConfig,
  arch: Arch,
  layerOpts: LayerOptions,
  cache: LayerCache,
  opts: BuildOptions & { ownEntrypoint: boolean },
): Promise<AppImage | undefined> {
  return appImage(loaded, arch, layerOpts, cache, {
    ...nodeFetch(loaded, opts),
    ownEntrypoint: opts.ownEntrypoint,
    ...(opts.network?.signal ? { signal: opts.network.signal } : {}),
    onWarning: (message) => opts.onEvent?.({ type: 'warning', code: 'INSTALL_SCRIPTS_SKIPPED', message }),
  });
}

/** Loads the base image, pinned to the lock's digest for a --locked build. */
async function loadBaseFor(
  loaded: LoadedConfig,
  opts: BuildOptions,
): Promise<{ name: string; artifact: Artifact }> {
  const from = loaded.config.from!;
  if (!opts.loadBase) throw new PithError('internal', 'NO_BASE_LOADER', 'this build cannot load base images');
  const name = from.replace(/^docker:\/\//, '');
  const locked = opts.lock?.base;
  if (opts.lock && (!locked || locked.name !== name)) {
    throw new PithError(
      'input',
      'LOCK_STALE',
      `${opts.lockFile ?? 'pith.lock.json'}: the base image changed since the lock was made; run pith lock again`,
    );
  }
  const reference = locked ? `${name.replace(/@sha256:[0-9a-f]{64}$/, '')}@${locked.digest}` : from;
  const artifact = await opts.loadBase(reference).catch((cause: unknown) => {
    throw fieldError(
      loaded,
      ['from'],
      (cause as PithError).code ?? 'BASE_UNAVAILABLE',
      (cause as Error).message,
      cause,
    );
  });
  if (locked && baseDigest(artifact) !== locked.digest) {
    throw new PithError(
      'invalid',
      'DIGEST_MISMATCH',
      `base ${name}: got ${baseDigest(artifact)}, the lock says ${locked.digest}`,
    );
  }
  return { name, artifact };
}

function newSession(loaded: LoadedConfig, opts: BuildOptions): DebianSession {
  const c = loaded.config;
  return new DebianSession({
    suite: c.suite ?? DEFAULT_SUITE,
    ...(c.mirror ? { mirrors: c.mirror } : {}),
    ...(c.components ? { components: c.components } : {}),
    ...(c.keyring
      ? { keyrings: c.keyring.map((k) => new URL(k, `file://${loaded.baseDir}/`).pathname) }
      : {}),
    ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
    ...(opts.offline ? { offline: true } : {}),
    ...(opts.network ? { network: opts.network } : {}),
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    ...(opts.shared?.packages ? { packageStores: opts.shared.packages } : {}),
  });
}

/** Warnings of a package plan, as events. */
function warn(opts: Pick<BuildOptions, 'onEvent'>, warnings: readonly string[] | undefined): void {
  for (const message of warnings ?? []) opts.onEvent?.({ type: 'warning', code: 'BEHIND_SECURITY', message });
}

/** The files layer; identical across architectures unless a source uses {arch}. */
function filesLayerFor(
  loaded: LoadedConfig,
  tree: FileTree,
  arch: Arch,
  layerOpts: LayerOptions,
  cache: LayerCache,
): Promise<BuiltLayer> {
  const perArch = (loaded.config.files ?? []).some((f) => f.src?.includes('{arch}'));
  const key = `files:${perArch ? arch : '*'}`;
  let p = cache.get(key);
  if (!p) {
    p = layerFromEntries(tree.entries(), {
      ...layerOpts,
      createdBy: `pith: files from ${basename(loaded.file)}`,
      slot: `${key} ${basename(loaded.file)}`,
    });
    cache.set(key, p);
  }
  return p;
}

function accountsTree(epoch: number): FileTree {
  const tree = new FileTree();
  for (const [path, node] of accountNodes(epoch)) tree.add(path, node);
  return tree;
}

async function filesTree(
  loaded: LoadedConfig,
  arch: Arch,
  epoch: number,
  download?: FilesContext['download'],
): Promise<FileTree> {
  const tree = new FileTree();
  const where = loaded.where;
  const ctx = { tree, baseDir: loaded.baseDir, context: contextDir(loaded), arch, where, download };
  for (const [i, entry] of (loaded.config.files ?? []).entries()) await addContentEntry(ctx, entry, i);
  // A directory entry in an upper layer replaces the lower one's attributes (image-spec layer.md), so
  // implicit parents such as /tmp or /home/nonroot must keep the accounts layer's modes and owners.
  if (loaded.config.accounts !== false) {
    for (const [path, node] of accountNodes(epoch))
      if (node.type === 'dir' && tree.get(path)?.implicit) tree.add(path, node);
  }
  return tree;
}
