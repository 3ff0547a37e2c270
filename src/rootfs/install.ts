// Installs the config's Debian packages for one architecture as layers, without running anything from
// them: resolve (or take the list as is), download and verify, then one layer per package (shared by
// every image and architecture that installs the same .deb), then pith's metadata layer (os-release, the
// CA bundle) and, for debug variants, busybox at /busybox.

import type { DebianSession } from '../apt-repo/index.ts';
import {
  fetchDebs,
  newerInSuite,
  type PackageRecord,
  parseRelations,
  type Resolution,
  resolve,
  satisfies,
  type Universe,
} from '../apt-repo/index.ts';
import type { PithConfig } from '../config/index.ts';
import { readDeb } from '../deb-archive/index.ts';
import { type BuiltLayer, type LayerOptions, layerFromEntries } from '../layer/index.ts';
import { type Lock, type LockedPackage, lockedRecord } from '../lockfile/index.ts';
import { FileTree } from '../tar/index.ts';
import { forEachBounded, messageOf, PithError } from '../util/index.ts';
import { busyboxTree } from './busybox.ts';
import { cUtf8LocaleTree, LOCALE_PACKAGE } from './c-utf8-locale.ts';
import { caBundleTree } from './ca-bundle.ts';
import { bytesNode, DEB_LAYOUT_VERSION, type DebTreeOptions, debTree, textNode } from './deb-tree.ts';
import { javaCacertsTree } from './java-keystore.ts';
import { type Jvm, jvmAlternatives, packageJvms } from './jvm-alternatives.ts';
import { ldSoCache } from './ld-so-cache.ts';
import { pithOsRelease } from './os-release.ts';

export interface InstallResult {
  layers: BuiltLayer[];
  /** Installed packages (sorted by name), plus those only mined for files (ca-certificates, busybox-static). */
  packages: PackageRecord[];
  resolution: Resolution;
  /** The file trees of the layers, for checks such as the entrypoint's presence. */
  trees: FileTree[];
  droppedBytes: number;
  caCertificates?: number;
  /** Certificates in the Java keystore (javaCacerts). */
  javaCacerts?: number;
  /** The JVM /usr/bin/java runs (update-alternatives' choice among the installed JVMs). */
  java?: Jvm;
}

/** .deb files decoded at once ahead of the layout (each decode is mostly an xz child process). */
const DECODE_AHEAD = 3;

/** Built layers keyed by what determines their bytes, shared across architectures and images of a build. */
export type LayerCache = Map<string, Promise<BuiltLayer>>;

/** Which packages an architecture gets: resolved from the indexes, or taken from a lock. */
export interface PackagePlan {
  resolution: Resolution;
  ca?: PackageRecord;
  busybox?: PackageRecord;
  /** libc-bin, mined for the C.utf8 locale (`locale: C.utf8`) when it is not installed whole. */
  locale?: PackageRecord;
  /** Packages installed at a version older than the security suite carries (only an explicit pin does that). */
  warnings?: string[];
}

/** Resolves the config's packages against the suite's indexes. */
export async function planPackages(
  session: DebianSession,
  config: PithConfig,
  arch: string,
): Promise<PackagePlan> {
  const u = await session.universe(arch);
  const exact = exactly(u, [
    ...(config.exactPackages ?? []),
    ...(config.resolve === false ? (config.packages ?? []) : []),
  ]);
  const resolution =
    config.resolve === false || !config.packages?.length
      ? exact
      : resolve(u, { packages: config.packages, exclude: config.exclude ?? [], installed: exact.packages });
  const ca = config.caCertificates || config.javaCacerts ? best(u, 'ca-certificates') : undefined;
  const busybox = config.variant?.startsWith('debug') ? best(u, 'busybox-static') : undefined;
  const locale = config.locale ? localePackage(u, resolution) : undefined;
  const warnings = behindSecurity(u, resolution, `${session.suite}-security`);
  return {
    resolution,
    ...(ca ? { ca } : {}),
    ...(busybox ? { busybox } : {}),
    ...(locale ? { locale } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}

/** One warning per package installed older than the security suite's version of it, naming the pin. */
function behindSecurity(u: Universe, resolution: Resolution, securitySuite: string): string[] {
  return resolution.packages.flatMap((p) => {
    const fixed = newerInSuite(u, p, securitySuite);
    if (!fixed) return [];
    const r = resolution.reasons.get(p.name);
    const pin = r?.requiredBy
      ? `"${r.relation}" (${r.field} of ${r.requiredBy})`
      : `"${r?.relation ?? p.name}"`;
    return [
      `${u.arch}: ${p.name} ${p.version} is older than ${fixed.version} in ${securitySuite}: its security fixes are left out by ${pin}`,
    ];
  });
}

/** The lock's packages for an architecture, as records pointing at the current mirror. */
export async function planFromLock(session: DebianSession, lock: Lock, arch: string): Promise<PackagePlan> {
  const bases = new Map((await session.suites()).map((r) => [r.suite, r.base]));
  const toRecord = (l: LockedPackage): PackageRecord => {
    const base = bases.get(l.suite);
    if (!base)
      throw new PithError(
        'input',
        'LOCK_STALE',
        `pith.lock.json: ${l.name} comes from suite ${l.suite}, which this build does not use`,
      );
    return lockedRecord(l, base);
  };
  const locked = lock.archs[arch] ?? [];
  const installs = locked.filter((l) => l.reason !== 'files');
  const installed = installs.map(toRecord);
  const reasons = new Map(
    installs.map((l) => [
      l.name,
      l.reason === 'depends'
        ? { requiredBy: l.requiredBy, relation: l.name, field: 'Depends' as const }
        : { relation: l.name, field: 'requested' as const },
    ]),
  );
  const extra = locked.filter((l) => l.reason === 'files').map(toRecord);
  const ca = extra.find((p) => p.name === 'ca-certificates');
  const busybox = extra.find((p) => p.name === 'busybox-static');
  const locale = extra.find((p) => p.name === LOCALE_PACKAGE);
  const resolution: Resolution = {
    arch,
    packages: installed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    reasons,
    excluded: new Map(),
  };
  return {
    resolution,
    ...(ca ? { ca } : {}),
    ...(busybox ? { busybox } : {}),
    ...(locale ? { locale } : {}),
  };
}

/** The packages a plan only mines for files (not installed): what the lock records with reason "files". */
export function minedPackages(plan: PackagePlan): PackageRecord[] {
  return [plan.ca, plan.busybox, plan.locale].filter((p) => p !== undefined);
}

/** libc-bin for the C.utf8 locale: none when it is installed whole, else the one matching libc6. */
function localePackage(u: Universe, resolution: Resolution): PackageRecord | undefined {
  if (resolution.packages.some((p) => p.name === LOCALE_PACKAGE)) return undefined;
  const libc = resolution.packages.find((p) => p.name === 'libc6');
  const same = libc && u.byName.get(LOCALE_PACKAGE)?.find((p) => p.version === libc.version);
  return same ?? best(u, LOCALE_PACKAGE);
}

/** Downloads, verifies and lays out a plan's packages as layers. */
export async function installDebian(
  session: DebianSession,
  config: PithConfig,
  plan: PackagePlan,
  layerOpts: LayerOptions,
  cache: LayerCache,
): Promise<InstallResult> {
  const { resolution, ca, busybox, locale } = plan;
  if (config.locale && !locale && !resolution.packages.some((p) => p.name === LOCALE_PACKAGE))
    throw new PithError(
      'input',
      'LOCK_STALE',
      `the lock pins no ${LOCALE_PACKAGE} for the C.utf8 locale (locale: ${config.locale}); run pith lock again`,
    );
  const all = [...resolution.packages, ...minedPackages(plan)];
  const debs = await fetchDebs(all, {
    cache: session.cache,
    offline: session.offline,
    network: session.network,
    ...session.packageStores,
    onReady: (p, fromCache) =>
      session.emit({ type: 'package', name: p.name, version: p.version, arch: p.architecture, fromCache }),
    onStoreFailure: (store, p, err) =>
      session.emit({
        type: 'warning',
        code: 'CACHE_REPO_FAILED',
        message: `${store.name}: ${p.name} ${p.version}: ${messageOf(err)}; going on without it`,
      }),
  });
  // each .deb is decoded once (its data.tar is xz: a child process each), a few at a time ahead of the
  // loop below, which lays them out in order
  const decoded = new Map<string, ReturnType<typeof readDeb>>();
  const read = (p: PackageRecord) => {
    let deb = decoded.get(p.sha256);
    if (!deb) {
      const bytes = debs.get(p.sha256)!;
      deb = readDeb(
        (async function* () {
          yield await bytes(); // read (and hashed) only now: a few .debs are held at a time
        })(),
        `${p.name}_${p.version}_${p.architecture}.deb`,
        { cache: session.cache },
      );
      decoded.set(p.sha256, deb);
    }
    return deb;
  };
  // stopped when the layout fails or the build is cancelled: no decode starts for nothing
  const ahead = new AbortController();
  const stop = session.network.signal
    ? AbortSignal.any([ahead.signal, session.network.signal])
    : ahead.signal;
  forEachBounded(
    all,
    DECODE_AHEAD,
    async (p) => {
      await read(p);
    },
    stop,
  ).catch(() => {}); // a failure surfaces where the loop reads that package
  try {
    const opts = { mergedUsr: session.suite !== 'bookworm', keepDocs: config.keepDocs === true };
    const layers: BuiltLayer[] = [];
    const trees: FileTree[] = [];
    let droppedBytes = 0;
    let osRelease: string | undefined;
    const jvms: Jvm[] = [];
    for (const p of resolution.packages) {
      const key = `${p.sha256}:${opts.mergedUsr}:${opts.keepDocs}`;
      const deb = await read(p);
      if (p.name === 'base-files')
        osRelease = deb.entries
          .find((e) => e.path === 'usr/lib/os-release' && e.type === 'file')
          ?.data.toString('utf8');
      jvms.push(...packageJvms(p, deb));
      const built = debTree(p, deb, opts);
      droppedBytes += built.droppedBytes;
      trees.push(built.tree);
      layers.push(
        await cached(cache, key, () =>
          layerFromEntries(built.tree.entries(), {
            ...layerOpts,
            createdBy: `pith: debian ${p.name} ${p.version} ${p.architecture}`,
            inputs: `debian ${layoutInputs(p, opts)}`,
          }),
        ),
      );
    }
    const meta = new FileTree();
    if (osRelease)
      meta.add('usr/lib/os-release', textNode(pithOsRelease(osRelease, 'base-files usr/lib/os-release')));
    let caCertificates: number | undefined;
    const caDeb = ca ? await read(ca) : undefined;
    if (ca && caDeb && config.caCertificates) {
      const { tree, certCount } = caBundleTree(ca, caDeb);
      for (const e of tree.entries()) if (e.type === 'file') meta.add(e.path, { ...e });
      caCertificates = certCount;
    }
    if (config.ldSoCache) {
      // what `ldconfig` would write in the image, computed without running it (ld-so-cache.ts)
      meta.add('etc/ld.so.cache', bytesNode(await ldSoCache(trees, plan.resolution.arch)));
    }
    if (meta.size) trees.push(meta);
    if (meta.size)
      layers.push(
        await layerFromEntries(meta.entries(), {
          ...layerOpts,
          createdBy: 'pith: os-release and CA certificates',
        }),
      );
    const add = async (tree: FileTree, createdBy: string, key?: string, inputs?: string) => {
      trees.push(tree);
      const make = () =>
        layerFromEntries(tree.entries(), { ...layerOpts, createdBy, ...(inputs ? { inputs } : {}) });
      layers.push(await (key ? cached(cache, key, make) : make()));
    };
    if (locale)
      await add(
        cUtf8LocaleTree(locale, await read(locale), opts),
        `pith: C.utf8 locale from ${locale.name} ${locale.version}`,
        `locale:${locale.sha256}:${opts.mergedUsr}`,
        `C.utf8 ${layoutInputs(locale, { ...opts, keepDocs: false })}`,
      );
    let javaCacerts: number | undefined;
    if (ca && caDeb && config.javaCacerts) {
      const keystore = javaCacertsTree(ca, caDeb, layerOpts.epoch);
      javaCacerts = keystore.count;
      await add(
        keystore.tree,
        `pith: Java keystore /etc/ssl/certs/java/cacerts (${keystore.count} certificates of ${ca.name} ${ca.version})`,
        `java-cacerts:${ca.sha256}`,
      );
    }
    const alternatives = jvmAlternatives(jvms, trees);
    if (alternatives)
      await add(
        alternatives.tree,
        `pith: update-alternatives links${alternatives.java ? ` (java: ${alternatives.java.name})` : ''}`,
      );
    if (busybox) {
      const key = `busybox:${busybox.sha256}`;
      const bbTree = busyboxTree(busybox, await read(busybox), session.suite);
      trees.push(bbTree);
      layers.push(
        await cached(cache, key, async () =>
          layerFromEntries(bbTree.entries(), {
            ...layerOpts,
            createdBy: `pith: busybox from ${busybox.name} ${busybox.version}`,
          }),
        ),
      );
    }
    return {
      layers,
      packages: all,
      resolution,
      trees,
      droppedBytes,
      ...(caCertificates ? { caCertificates } : {}),
      ...(javaCacerts ? { javaCacerts } : {}),
      ...(alternatives?.java ? { java: alternatives.java } : {}),
    };
  } finally {
    ahead.abort();
  }
}

/** What a package's layer is made from besides the epoch: its .deb, the layout options, the layout code. */
function layoutInputs(p: PackageRecord, opts: DebTreeOptions): string {
  return `${p.sha256} mergedUsr=${opts.mergedUsr} keepDocs=${opts.keepDocs} layout=${DEB_LAYOUT_VERSION}`;
}

function cached(cache: LayerCache, key: string, make: () => Promise<BuiltLayer>): Promise<BuiltLayer> {
  let p = cache.get(key);
  if (!p) {
    p = make();
    cache.set(key, p);
  }
  return p;
}

function best(u: Universe, name: string): PackageRecord {
  const p = u.byName.get(name)?.[0];
  if (!p) throw new PithError('input', 'UNSATISFIABLE', `package ${name} is not available for ${u.arch}`);
  return p;
}

/** `resolve: false`: exactly the listed packages, each at its best acceptable version (distroless's way). */
function exactly(u: Universe, entries: readonly string[]): Resolution {
  const chosen = new Map<string, PackageRecord>();
  const reasons = new Map<string, { relation: string; field: 'requested' }>();
  for (const text of entries) {
    const rel = parseRelations(text, `package "${text}"`)[0]?.[0];
    if (!rel) continue;
    const pkg = (u.byName.get(rel.name) ?? []).find(
      (p) => !rel.op || !rel.version || satisfies(p.version, rel.op, rel.version),
    );
    if (!pkg)
      throw new PithError(
        'input',
        'UNSATISFIABLE',
        `cannot satisfy ${text} for ${u.arch} (${
          u.byName.has(rel.name)
            ? `versions ${u.byName
                .get(rel.name)!
                .map((p) => p.version)
                .join(', ')}`
            : 'no such package'
        })`,
      );
    chosen.set(pkg.name, pkg);
    reasons.set(pkg.name, { relation: text, field: 'requested' });
  }
  const packages = [...chosen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { arch: u.arch, packages, reasons, excluded: new Map() };
}
