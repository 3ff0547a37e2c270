// The npm registry as a source of verified bytes: its URL from npm's own config (npm_config_registry, then
// `npm config get registry`, which reads the project's, the user's and the global .npmrc), package metadata
// (the abbreviated "corgi" document npm install reads) and package tarballs checked against their SRI
// integrity before use. Both are kept in pith's download cache: metadata under its URL (so --offline can
// resolve from the last copy seen), tarballs under their integrity (re-checked on every read).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type ContentCache, type FetchOptions, fetchBytes } from '../apt-repo/index.ts';
import { messageOf, PithError, redactUrl } from '../util/index.ts';
import { checkIntegrity } from './integrity.ts';

/** How a download reaches the network (or does not). */
export interface NpmFetch {
  cache: ContentCache;
  /** Use only what the cache holds. */
  offline?: boolean;
  network?: Omit<FetchOptions, 'maxBytes' | 'accept'>;
  /** The environment npm's config is read from (default: this process's). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The abbreviated metadata of one version. */
export interface NpmVersion {
  name: string;
  version: string;
  dist: { tarball: string; integrity?: string; shasum?: string };
  os?: string[] | string;
  cpu?: string[] | string;
}

export interface NpmPackument {
  name: string;
  versions: Record<string, NpmVersion>;
}

const ABBREVIATED = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';
const MAX_METADATA = 64 << 20;
const MAX_TARBALL = 512 << 20;

const registries = new Map<string, Promise<string>>();

/** The registry npm would use in `cwd` (with a trailing slash). */
export function npmRegistry(
  cwd: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string> {
  const fromEnv = env['npm_config_registry'] || env['NPM_CONFIG_REGISTRY'];
  if (fromEnv) return Promise.resolve(checkRegistry(fromEnv, 'npm_config_registry'));
  let p = registries.get(cwd);
  if (!p) {
    p = askNpm(cwd, env);
    registries.set(cwd, p);
    p.catch(() => registries.delete(cwd));
  }
  return p;
}

async function askNpm(cwd: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('npm', ['config', 'get', 'registry'], {
      cwd,
      env: { ...process.env, ...env },
      timeout: 30_000,
      maxBuffer: 1 << 16,
    });
    return checkRegistry(stdout.trim(), '`npm config get registry`');
  } catch (cause) {
    if (cause instanceof PithError) throw cause;
    throw new PithError(
      'io',
      'NPM_REGISTRY_UNKNOWN',
      `cannot ask npm which registry to use (${messageOf(cause)}); set npm_config_registry to the registry's URL`,
      { cause },
    );
  }
}

function checkRegistry(url: string, where: string): string {
  if (!/^https?:\/\/[^\s]+$/.test(url))
    throw new PithError('io', 'NPM_REGISTRY_UNKNOWN', `${where} gave "${url}", which is not an http(s) URL`);
  return url.endsWith('/') ? url : `${url}/`;
}

/** A package's URL on a registry (a scoped name's slash is escaped, as npm does). */
export function packageUrl(registry: string, name: string): string {
  return `${registry}${name.replace('/', '%2f')}`;
}

/** The metadata of a package: from the registry, or from the cache when offline. */
export async function packument(registry: string, name: string, how: NpmFetch): Promise<NpmPackument> {
  const url = packageUrl(registry, name);
  const key = `npm-metadata:${url}`;
  let bytes = how.offline ? await how.cache.getNamed(key) : undefined;
  if (!bytes && how.offline)
    throw new PithError(
      'input',
      'OFFLINE',
      `--offline: the metadata of ${name} (${redactUrl(url)}) is not in the cache`,
    );
  if (!bytes) {
    bytes = await fetchBytes(url, { ...how.network, maxBytes: MAX_METADATA, accept: ABBREVIATED });
    if (!bytes)
      throw new PithError('input', 'NODE_VERSION_NOT_FOUND', `${redactUrl(url)}: no package ${name}`);
    await how.cache.putNamed(key, bytes);
  }
  return parsePackument(bytes, name, url);
}

function parsePackument(bytes: Buffer, name: string, url: string): NpmPackument {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new PithError('invalid', 'NPM_METADATA_INVALID', `${redactUrl(url)}: not JSON`, { cause });
  }
  const d = doc as Partial<NpmPackument>;
  if (typeof d !== 'object' || d === null || typeof d.versions !== 'object' || d.versions === null)
    throw new PithError('invalid', 'NPM_METADATA_INVALID', `${redactUrl(url)}: no versions of ${name}`);
  return { name, versions: d.versions };
}

/** A package tarball whose bytes have `integrity` (from the cache, or downloaded and then cached). */
export async function npmTarball(
  where: string | (() => Promise<string>),
  integrity: string,
  what: string,
  how: NpmFetch,
): Promise<Buffer> {
  const key = `npm-tarball:${integrity}`;
  const cached = await how.cache.getNamed(key);
  if (cached) {
    checkIntegrity(cached, integrity, what);
    return cached;
  }
  // the URL only when the cache lacks it: finding the registry may mean asking npm (a process)
  const url = typeof where === 'string' ? where : await where();
  if (how.offline)
    throw new PithError('input', 'OFFLINE', `--offline: ${what} (${redactUrl(url)}) is not in the cache`);
  const bytes = await fetchBytes(url, { ...how.network, maxBytes: MAX_TARBALL });
  if (!bytes) throw new PithError('io', 'FETCH_FAILED', `${what}: ${redactUrl(url)} is not there (HTTP 404)`);
  checkIntegrity(bytes, integrity, what);
  await how.cache.putNamed(key, bytes);
  return bytes;
}
