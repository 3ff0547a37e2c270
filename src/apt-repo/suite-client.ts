// Reads one suite of a Debian mirror: the verified InRelease, then Packages indexes fetched by hash
// (Acquire-By-Hash, so a mirror mid-update cannot pair a new index with an old Release) and checked
// against the signed SHA256 list before they are decompressed or parsed. Downloads go through the
// content-addressed cache; offline mode uses only the cache.
import { createHash } from 'node:crypto';
import { decompress, unxz } from '../compress/index.ts';
import { type ContentCache, oneChunk, PithError, readAll, sha256 } from '../util/index.ts';
import {
  type CompactIndex,
  compactIndexChunks,
  compactIndexName,
  readCompactIndex,
} from './compact-index.ts';
import { parseDeb822, stanzaPieces } from './deb822.ts';
import { fetchBytes, fetchToFile, type NetworkOptions, type Written } from './http.ts';
import type { Key } from './keyring.ts';
import { type PackageRecord, packageRecord } from './package-record.ts';
import {
  type Release,
  signedRelease,
  type VerifyOptions,
  verifyCleartext,
  verifyDetachedRelease,
} from './release.ts';

export interface SuiteRef {
  /** Mirror base URL, e.g. the `URIs:` value of an apt source. */
  base: string;
  suite: string;
}

export interface ClientOptions extends VerifyOptions {
  /** The trusted keys, or how to get them (parsed only when a signature must be checked). */
  keys: readonly Key[] | (() => Promise<readonly Key[]>);
  /** keyringDigest of those keys: with a cache, signatures found good are remembered under it. */
  keyring?: string;
  cache?: ContentCache;
  offline?: boolean;
  /** Idle timeout and cancel signal of every request. */
  network?: NetworkOptions;
}

const INDEX_FORMATS: { ext: string; kind: 'xz' | 'gzip' | 'none' }[] = [
  { ext: '.xz', kind: 'xz' },
  { ext: '.gz', kind: 'gzip' },
  { ext: '', kind: 'none' },
];

export function suiteUrl(ref: SuiteRef): string {
  return `${ref.base.replace(/\/+$/, '')}/dists/${ref.suite}`;
}

/**
 * Fetches and verifies the suite's InRelease (or Release + Release.gpg). The verified files are kept in the
 * cache under their URLs, so offline mode verifies the last copies again (signature, Date and Valid-Until)
 * instead of refusing: a build works offline for as long as the suite's cached Release is valid.
 */
export async function fetchRelease(ref: SuiteRef, opts: ClientOptions): Promise<Release> {
  if (opts.offline) return cachedRelease(ref, opts);
  const url = `${suiteUrl(ref)}/InRelease`;
  const raw = await fetchBytes(url, { maxBytes: 64 << 20, ...opts.network });
  if (raw) {
    const release = await verifiedInRelease(raw, url, opts);
    await opts.cache?.putNamed(url, raw);
    return release;
  }
  // Older or partial mirrors: Release with a detached Release.gpg.
  const release = await fetchBytes(`${suiteUrl(ref)}/Release`, { maxBytes: 64 << 20, ...opts.network });
  const signature =
    release && (await fetchBytes(`${suiteUrl(ref)}/Release.gpg`, { maxBytes: 1 << 20, ...opts.network }));
  if (release && signature) {
    const verified = await verifyDetached(ref, release, signature, opts);
    await opts.cache?.putNamed(`${suiteUrl(ref)}/Release`, release);
    await opts.cache?.putNamed(`${suiteUrl(ref)}/Release.gpg`, signature);
    return verified;
  }
  if (release)
    throw new PithError(
      'invalid',
      'RELEASE_NOT_SIGNED',
      `${suiteUrl(ref)}: has a Release but neither InRelease nor Release.gpg; refusing an unsigned suite`,
    );
  throw new PithError(
    'input',
    'NO_SUCH_SUITE',
    `${url}: not found (is "${ref.suite}" a suite of this mirror?)`,
  );
}

async function verifyDetached(ref: SuiteRef, release: Buffer, signature: Buffer, opts: ClientOptions) {
  const where = `${suiteUrl(ref)}/Release`;
  return verifyDetachedRelease(release, signature.toString('utf8'), await keysOf(opts), where, opts);
}

/**
 * An InRelease whose signature is checked now, or was found good before with the same keys: that finding
 * is remembered under the file's sha256 and the keyring's, as derived state (util/content-cache.ts), so a
 * warm build neither loads openpgp nor parses the keyring nor checks the signature again (a third of its
 * time). Date and Valid-Until are checked every time.
 */
async function verifiedInRelease(raw: Buffer, where: string, opts: ClientOptions): Promise<Release> {
  const memo = opts.cache && opts.keyring ? signatureMemo(opts.keyring, raw) : undefined;
  const known = memo && (await opts.cache?.getNamed(memo));
  const found = known && memoOf(known);
  if (found) return signedRelease(found.text, found.signedBy, where, opts);
  const signed = await verifyCleartext(raw.toString('utf8'), await keysOf(opts), where);
  const release = signedRelease(signed.text, signed.signedBy, where, opts);
  if (memo) await opts.cache?.putNamed(memo, Buffer.from(JSON.stringify(signed))).catch(() => {});
  return release;
}

function keysOf(opts: ClientOptions): Promise<readonly Key[]> {
  return typeof opts.keys === 'function' ? opts.keys() : Promise.resolve(opts.keys);
}

function signatureMemo(keyring: string, raw: Buffer): string {
  return `inrelease-verified/v1/${keyring}/${sha256(raw)}`;
}

function memoOf(bytes: Buffer): { text: string; signedBy: string[] } | undefined {
  try {
    const m = JSON.parse(bytes.toString('utf8')) as { text?: unknown; signedBy?: unknown };
    const signedBy = Array.isArray(m.signedBy) ? m.signedBy.filter((k) => typeof k === 'string') : [];
    return typeof m.text === 'string' && signedBy.length > 0 ? { text: m.text, signedBy } : undefined;
  } catch {
    return undefined;
  }
}

/** Offline: the last verified Release of the suite from the cache, verified again now. */
async function cachedRelease(ref: SuiteRef, opts: ClientOptions): Promise<Release> {
  const url = `${suiteUrl(ref)}/InRelease`;
  const inRelease = await opts.cache?.getNamed(url);
  const release = inRelease ? undefined : await opts.cache?.getNamed(`${suiteUrl(ref)}/Release`);
  const signature = release && (await opts.cache?.getNamed(`${suiteUrl(ref)}/Release.gpg`));
  try {
    if (inRelease) return await verifiedInRelease(inRelease, `${url} (cached)`, opts);
    if (release && signature) return await verifyDetached(ref, release, signature, opts);
  } catch (err) {
    if (err instanceof PithError && err.code === 'RELEASE_EXPIRED')
      throw new PithError(
        'input',
        'OFFLINE',
        `${err.message.replace(/; the mirror is stale or replayed$/, '')}: the cached copy is too old to build offline; go online once to refresh it`,
        { cause: err },
      );
    throw err;
  }
  throw new PithError(
    'input',
    'OFFLINE',
    `${url}: offline mode, and the cache holds no verified copy (build once online, or use --locked with a lock)`,
  );
}

/**
 * The packages of one component and architecture, parsed from the index file itself, verified against the
 * Release now (what a check that must not trust derived cache state reads: the provenance chain).
 */
export async function fetchPackages(
  ref: SuiteRef,
  release: Release,
  component: string,
  arch: string,
  opts: ClientOptions,
): Promise<PackageRecord[]> {
  return verifiedRecords(ref, release, component, indexEntry(ref, release, component, arch), opts);
}

/**
 * One component and architecture's Packages index in its compact form (compact-index.ts): from the cache
 * by the sha256 the Release lists, else downloaded, verified, parsed once and kept. The compact form is the
 * cache owner's own state, trusted as apt trusts its lists (util/content-cache.ts).
 */
export async function fetchIndex(
  ref: SuiteRef,
  release: Release,
  component: string,
  arch: string,
  opts: ClientOptions,
): Promise<CompactIndex> {
  const entry = indexEntry(ref, release, component, arch);
  const where = `${suiteUrl(ref)}/${entry.path}`;
  const origin = `${ref.suite}/${component}`;
  const name = compactIndexName(entry.sha256);
  const cached = await opts.cache?.namedPath(name);
  if (cached) {
    try {
      return readCompactIndex(cached, origin, ref.base, where);
    } catch {
      // an unreadable entry is made again below
    }
  }
  const chunks = compactIndexChunks(indexRecords(ref, release, component, entry, opts), where);
  const made = opts.cache ? await opts.cache.putNamedStream(name, chunks) : await readAll(chunks);
  return readCompactIndex(made, origin, ref.base, where);
}

/** The Packages file the Release lists for a component and architecture (xz, else gz, else plain). */
function indexEntry(ref: SuiteRef, release: Release, component: string, arch: string) {
  const dir = `${component}/binary-${arch}`;
  const format = INDEX_FORMATS.find((f) => release.files.has(`${dir}/Packages${f.ext}`));
  if (!format) {
    throw new PithError(
      'input',
      'NO_SUCH_INDEX',
      `${suiteUrl(ref)}: no Packages index for ${component}/${arch} (architectures: ${release.architectures.join(' ')}; components: ${release.components.join(' ')})`,
    );
  }
  return { ...release.files.get(`${dir}/Packages${format.ext}`)!, dir, kind: format.kind };
}

/** An index downloaded (or from the cache), checked against the Release, decompressed and parsed. */
async function verifiedRecords(
  ref: SuiteRef,
  release: Release,
  component: string,
  entry: ReturnType<typeof indexEntry>,
  opts: ClientOptions,
): Promise<PackageRecord[]> {
  const records: PackageRecord[] = [];
  for await (const batch of indexRecords(ref, release, component, entry, opts)) records.push(...batch);
  return records;
}

/**
 * The records of a verified index, parsed as it is decompressed: the text is cut after its last empty
 * line so far (where a stanza always ends), so no more than one piece of it is in memory at once. Each
 * piece's records come as one batch: one step of the iteration per piece, not per record.
 */
async function* indexRecords(
  ref: SuiteRef,
  release: Release,
  component: string,
  entry: ReturnType<typeof indexEntry>,
  opts: ClientOptions,
): AsyncIterable<PackageRecord[]> {
  const where = `${suiteUrl(ref)}/${entry.path}`;
  const source = await verifiedDownload(ref, release, entry.dir, entry, opts, where);
  const origin = `${ref.suite}/${component}`;
  let firstLine = 1;
  const parse = (piece: Buffer) => {
    const text = piece.toString('utf8');
    const stanzas = parseDeb822(text, { where, firstLine });
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) firstLine++;
    return stanzas.map((s) => packageRecord(s, origin, where, ref.base));
  };
  const text = entry.kind === 'xz' ? unxz(source) : decompress(source, entry.kind);
  for await (const piece of stanzaPieces(text)) yield parse(piece);
}

/**
 * An index file the signed Release lists, as a stream of its verified bytes: from the cache (hashed first),
 * else fetched (by hash first) and checked. With a cache, a download goes to a cache file as it arrives and
 * is read from there: the file is never held whole.
 */
export async function verifiedDownload(
  ref: SuiteRef,
  release: Release,
  dir: string,
  entry: { path: string; size: number; sha256: string },
  opts: ClientOptions,
  where: string,
): Promise<AsyncIterable<Buffer>> {
  const cache = opts.cache;
  if (cache && (await cache.holds(entry.sha256, entry.size)))
    return cache.openChecked(entry.sha256, entry.size);
  if (opts.offline)
    throw new PithError('input', 'OFFLINE', `${where}: not in the cache and offline mode is on`);
  const urls = [`${suiteUrl(ref)}/${entry.path}`];
  if (release.acquireByHash) urls.unshift(`${suiteUrl(ref)}/${dir}/by-hash/SHA256/${entry.sha256}`);
  for (const url of urls) {
    const named = url === urls.at(-1) ? where : `${where} (fetched by hash)`;
    const fetch = { maxBytes: entry.size, ...opts.network };
    if (cache) {
      const placed = await cache.putFile(entry.sha256, entry.size, async (tmp) => {
        const got = await fetchToFile(url, tmp, fetch);
        if (got) checkWritten(got, entry, named);
        return got !== undefined;
      });
      if (placed) return cache.openChecked(entry.sha256, entry.size);
      continue;
    }
    const bytes = await fetchBytes(url, fetch);
    if (!bytes) continue;
    checkHash(bytes, entry, named);
    return oneChunk(bytes);
  }
  throw new PithError('io', 'FETCH_FAILED', `${where}: not found on the mirror`);
}

/** Throws unless bytes have the size and sha256 the signed Release lists. */
export function checkHash(
  bytes: Buffer,
  entry: { size: number; sha256: string },
  where: string,
  listedBy = 'the signed Release',
): void {
  checkWritten(
    { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') },
    entry,
    where,
    listedBy,
  );
}

/** Throws unless what was received has the size and sha256 the signed Release (or `listedBy`) lists. */
export function checkWritten(
  got: Written,
  entry: { size: number; sha256: string },
  where: string,
  listedBy = 'the signed Release',
): void {
  if (got.size !== entry.size || got.sha256 !== entry.sha256) {
    throw new PithError(
      'invalid',
      'HASH_MISMATCH',
      `${where}: got ${got.size} bytes with sha256 ${got.sha256}; ${listedBy} lists ${entry.size} bytes, sha256 ${entry.sha256}`,
    );
  }
}
