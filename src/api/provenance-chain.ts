// `verify --provenance`: the chain from an image digest to the signed Debian InRelease its packages came
// from, link by link, stopping the verdict at the first broken one:
//   1. attestation — a signed SLSA provenance is attached (verify.ts checked its signature);
//   2. layers — each image layer is the one the provenance recorded at that position (naming its package);
//   3. subject — the provenance is about this image's digest;
//   4. lock — the provenance's .debs and InRelease hashes are the lock's (when a lock is given);
//   5. InRelease — each suite's InRelease, verified with the suite's archive keys (the mirror's, or the
//      cache's offline), is the one recorded (sha256 of its signed text, as the lock records it), and each
//      .deb's sha256 is in the Packages index that InRelease signs.
import { createHash } from 'node:crypto';
import { fetchPackages } from '../apt-repo/index.ts';
import { type Lock, readLock } from '../lockfile/index.ts';
import type { Image } from '../oci/index.ts';
import { parsePurl } from '../sbom/index.ts';
import { ProvenanceAnnotation, type ProvenanceDeb, type Statement, subjectDigests } from '../sign/index.ts';
import { isPithError } from '../util/index.ts';
import type { Context } from './context.ts';
import { debianSession, type SuiteSource } from './debian-session.ts';

export type ProvenanceLinkName = 'attestation' | 'layers' | 'subject' | 'lock' | 'inrelease';

export interface ProvenanceLink {
  link: ProvenanceLinkName;
  ok: boolean;
  detail: string;
}

export interface ProvenanceCheck {
  platform?: string;
  digest: string;
  ok: boolean;
  links: ProvenanceLink[];
  /** .deb files the provenance lists. */
  debs: number;
}

interface Resource {
  name?: string;
  uri?: string;
  digest?: Record<string, string>;
  annotations?: Record<string, string>;
}

type Deb = ProvenanceDeb;

export async function checkProvenance(
  ctx: Context,
  req: { image: Image; platform?: string; statement?: Statement; lock?: string; source?: SuiteSource },
): Promise<ProvenanceCheck> {
  const digest = req.image.manifest.digest;
  const links: ProvenanceLink[] = [];
  const result = (): ProvenanceCheck => ({
    ...(req.platform ? { platform: req.platform } : {}),
    digest,
    ok: links.every((l) => l.ok),
    links,
    debs: debs.length,
  });
  let debs: Deb[] = [];
  const where = `${req.platform ?? 'image'} ${digest}`;
  if (!req.statement) {
    links.push({ link: 'attestation', ok: false, detail: `${where}: no signed SLSA provenance is attached` });
    return result();
  }
  links.push({ link: 'attestation', ok: true, detail: 'a signed SLSA provenance v1 is attached' });
  const predicate = (req.statement.predicate ?? {}) as {
    buildDefinition?: { resolvedDependencies?: Resource[] };
    runDetails?: { byproducts?: Resource[] };
  };
  const resolved = predicate.buildDefinition?.resolvedDependencies ?? [];
  debs = resolved.filter((r) => r.annotations?.[ProvenanceAnnotation.kind] === 'deb').map(debOf);
  const suites = resolved
    .filter((r) => r.annotations?.[ProvenanceAnnotation.kind] === 'InRelease')
    .map((r) => ({
      suite: /dists\/([^/]+)\/InRelease$/.exec(r.name ?? '')?.[1] ?? '',
      sha256: r.digest?.['sha256'] ?? '',
    }));
  links.push(layersLink(req.image, predicate.runDetails?.byproducts ?? [], where));
  const subjects = subjectDigests(req.statement);
  links.push(
    subjects.includes(digest)
      ? { link: 'subject', ok: true, detail: `the provenance is about ${digest}` }
      : {
          link: 'subject',
          ok: false,
          detail: `${where}: the provenance is about ${subjects.join(', ') || 'nothing'}, not this image`,
        },
  );
  if (req.lock)
    links.push(lockLink(await readLock(req.lock), req.lock, arch(req.image), debs, suites, where));
  if (debs.length) links.push(await inReleaseLink(ctx, debs, suites, where, req.source ?? {}));
  return result();
}

function debOf(r: Resource): Deb {
  const a = r.annotations ?? {};
  return {
    name: parsePurl(r.uri ?? '')?.name ?? r.name ?? '?',
    version: a[ProvenanceAnnotation.version] ?? '',
    architecture: a[ProvenanceAnnotation.architecture] ?? '',
    sha256: r.digest?.['sha256'] ?? '',
    filename: r.name ?? '',
    suite: a[ProvenanceAnnotation.suite] ?? '',
    component: a[ProvenanceAnnotation.component] ?? 'main',
    purl: r.uri ?? '',
  };
}

function arch(image: Image): string {
  return image.config?.value.architecture ?? '';
}

/** Link 2: the image's layers, position by position, against the provenance's byproducts. */
function layersLink(image: Image, byproducts: readonly Resource[], where: string): ProvenanceLink {
  const layers = image.manifest.value.layers;
  const recorded = byproducts.filter((b) => /^layers\/\d+$/.test(b.name ?? ''));
  for (const [i, layer] of layers.entries()) {
    const want = recorded[i];
    const actual = layer.digest.replace(/^sha256:/, '');
    if (want?.digest?.['sha256'] === actual) continue;
    const what =
      want?.annotations?.[ProvenanceAnnotation.package] ??
      image.config?.value.history?.filter((h) => !h.empty_layer)[i]?.created_by ??
      `layer ${i}`;
    return {
      link: 'layers',
      ok: false,
      detail: want
        ? `${where}: layer ${i} (${what}) is ${layer.digest}, but the provenance recorded sha256:${want.digest?.['sha256']}`
        : `${where}: layer ${i} (${what}) is not in the provenance`,
    };
  }
  if (recorded.length !== layers.length)
    return {
      link: 'layers',
      ok: false,
      detail: `${where}: the image has ${layers.length} layers, the provenance recorded ${recorded.length}`,
    };
  return {
    link: 'layers',
    ok: true,
    detail: `all ${layers.length} layers are the ones the provenance recorded`,
  };
}

/** Link 4: the provenance's .debs and InRelease hashes against the lock's for the image's architecture. */
function lockLink(
  lock: Lock,
  file: string,
  architecture: string,
  debs: readonly Deb[],
  suites: readonly { suite: string; sha256: string }[],
  where: string,
): ProvenanceLink {
  const fail = (detail: string): ProvenanceLink => ({
    link: 'lock',
    ok: false,
    detail: `${where}: ${detail}`,
  });
  const locked = lock.archs[architecture] ?? [];
  const byName = new Map(debs.map((d) => [d.name, d]));
  for (const l of locked) {
    const d = byName.get(l.name);
    if (!d) return fail(`${l.name} ${l.version} is in ${file} but not in the provenance`);
    if (d.sha256 !== l.sha256)
      return fail(
        `${l.name}: ${file} pins sha256:${l.sha256}, the provenance used sha256:${d.sha256} (${d.version})`,
      );
  }
  const lockedNames = new Set(locked.map((l) => l.name));
  const extra = debs.find((d) => !lockedNames.has(d.name));
  if (extra) return fail(`${extra.name} ${extra.version} is in the provenance but not in ${file}`);
  for (const s of lock.suites) {
    const p = suites.find((x) => x.suite === s.suite);
    if (!p) return fail(`suite ${s.suite} is in ${file} but the provenance records no InRelease of it`);
    if (p.sha256 !== s.inReleaseSha256)
      return fail(
        `suite ${s.suite}: ${file} pins InRelease sha256:${s.inReleaseSha256}, the provenance read sha256:${p.sha256}`,
      );
  }
  return {
    link: 'lock',
    ok: true,
    detail: `the ${locked.length} .deb files and the InRelease files are the lock's`,
  };
}

/** Link 5: each recorded InRelease verifies, and lists (through its Packages index) each .deb's sha256. */
async function inReleaseLink(
  ctx: Context,
  debs: readonly Deb[],
  suites: readonly { suite: string; sha256: string }[],
  where: string,
  source: SuiteSource,
): Promise<ProvenanceLink> {
  const fail = (detail: string): ProvenanceLink => ({
    link: 'inrelease',
    ok: false,
    detail: `${where}: ${detail}`,
  });
  const recorded = new Set(suites.map((s) => s.suite));
  const orphan = debs.find((d) => !recorded.has(d.suite));
  if (orphan)
    return fail(
      `${orphan.name} ${orphan.version} comes from suite "${orphan.suite}", whose InRelease the provenance does not record`,
    );
  const main = suites.map((s) => s.suite).find((s) => !s.includes('-')) ?? suites[0]?.suite ?? '';
  const session = debianSession(ctx, main, source);
  const refs = await session.suites();
  const keys = await session.keys();
  let checked = 0;
  for (const s of suites) {
    const ref = refs.find((r) => r.suite === s.suite);
    if (!ref) return fail(`suite ${s.suite} is not one this host's mirrors serve for ${main}`);
    // the session verifies the InRelease it serves (the cache's, offline) with the suite's archive keys
    let release: Awaited<ReturnType<typeof session.release>>;
    try {
      release = await session.release(ref);
    } catch (err) {
      if (!isPithError(err)) throw err;
      return fail(`the InRelease of ${s.suite} could not be read and verified: ${err.message}`);
    }
    const now = createHash('sha256').update(release.text).digest('hex');
    if (now !== s.sha256)
      return fail(
        `the InRelease of ${s.suite} the provenance recorded (sha256:${s.sha256}) is no longer what the mirror signs (sha256:${now}); rebuild to re-derive the chain`,
      );
    const mine = debs.filter((d) => d.suite === s.suite);
    const indexes = new Map<string, Set<string>>();
    for (const d of mine) {
      const { component } = d;
      const archs =
        d.architecture === 'all'
          ? [...new Set(mine.map((x) => x.architecture).filter((a) => a !== 'all'))]
          : [d.architecture];
      let listed = false;
      for (const a of archs.length ? archs : ['amd64']) {
        const key = `${component}/${a}`;
        let set = indexes.get(key);
        if (!set) {
          const records = await fetchPackages(ref, release, component, a, {
            keys,
            cache: session.cache,
            offline: session.offline,
            network: session.network,
            ignoreValidUntil: true,
          });
          set = new Set(records.map((r) => `${r.name} ${r.sha256}`));
          indexes.set(key, set);
        }
        if (set.has(`${d.name} ${d.sha256}`)) listed = true;
      }
      if (!listed)
        return fail(
          `${d.name} ${d.version} (sha256:${d.sha256}) is not in the Packages index the ${s.suite} InRelease sha256:${s.sha256} signs`,
        );
      checked++;
    }
  }
  if (checked !== debs.length)
    return fail(`${debs.length - checked} .deb file(s) were not checked against an InRelease`);
  return {
    link: 'inrelease',
    ok: true,
    detail: `${suites.length} InRelease file(s) verify with the Debian archive keys and list all ${checked} .deb files`,
  };
}
