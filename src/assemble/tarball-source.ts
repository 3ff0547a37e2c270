// The bytes of a `files:` tarball, checked against the entry's sha256 before anything is unpacked: an
// http(s) URL comes from the download cache (content-addressed by that sha256; the only source --offline
// allows) or is downloaded with the mirror client (retries, idle timeout, size cap) and cached once it
// matches; any other value is a host file inside the build context (build-context.ts). A mismatch names
// the entry, the expected and the actual sha256, and nothing is cached or unpacked.
import { ContentCache, fetchBytes, type NetworkOptions } from '../apt-repo/index.ts';
import { type FieldPath, fieldError } from '../config/index.ts';
import { isPithError, readUserFile, redactUrl, sha256 } from '../util/index.ts';
import { type ContextOptions, resolveSource } from './build-context.ts';

/** How URLs are fetched: the download cache, offline mode, and the network's idle timeout and signal. */
export interface DownloadOptions {
  cache: ContentCache;
  offline?: boolean | undefined;
  network?: NetworkOptions | undefined;
}

/** The download options of a build (`cacheDir` undefined: the XDG cache). */
export function tarballDownload(opts: {
  cacheDir?: string | undefined;
  offline?: boolean | undefined;
  network?: NetworkOptions | undefined;
}): DownloadOptions {
  return { cache: new ContentCache(opts.cacheDir), offline: opts.offline, network: opts.network };
}

export interface TarballSourceContext extends ContextOptions {
  download?: DownloadOptions | undefined;
}

/** The archive file is read whole into memory: at most this many bytes. */
export const MAX_TARBALL_BYTES = 1024 ** 3;

/** Whether a `tarball:` value is a URL (else a host path). */
export function isTarballUrl(source: string): boolean {
  return /^https?:\/\//.test(source);
}

/** The tarball's name in messages: the URL without credentials, or the path as written. */
export function tarballName(source: string): string {
  return isTarballUrl(source) ? redactUrl(source) : source;
}

/** The verified bytes of entry `i`'s tarball (`source` with sha256 `expected`). */
export async function tarballBytes(
  ctx: TarballSourceContext,
  i: number,
  source: string,
  expected: string,
): Promise<Buffer> {
  const field: FieldPath = ['files', i, 'tarball'];
  if (!isTarballUrl(source)) return checked(ctx, i, source, await hostTarball(ctx, source, field), expected);
  const download = ctx.download ?? tarballDownload({});
  const cached = await download.cache.get(expected);
  if (cached) return cached;
  if (download.offline) {
    throw fieldError(
      ctx,
      field,
      'OFFLINE',
      `--offline: ${redactUrl(source)} (sha256 ${expected}) is not in the download cache ${download.cache.dir}`,
    );
  }
  const bytes = checked(ctx, i, source, await fetchTarball(ctx, source, field, download), expected);
  await download.cache.put(expected, bytes);
  return bytes;
}

function checked(ctx: TarballSourceContext, i: number, source: string, bytes: Buffer, expected: string) {
  const got = sha256(bytes).slice('sha256:'.length);
  if (got === expected) return bytes;
  throw fieldError(
    ctx,
    ['files', i, 'sha256'],
    'TARBALL_MISMATCH',
    `${tarballName(source)} has sha256 ${got}, but ${expected} is expected; refusing it (nothing was unpacked)`,
    undefined,
    'invalid',
  );
}

async function fetchTarball(
  ctx: TarballSourceContext,
  url: string,
  field: FieldPath,
  download: DownloadOptions,
): Promise<Buffer> {
  const bytes = await fetchBytes(url, { ...download.network, maxBytes: MAX_TARBALL_BYTES }).catch(
    (err: unknown) => {
      throw isPithError(err) ? fieldError(ctx, field, err.code, err.message, err) : err;
    },
  );
  if (!bytes)
    throw fieldError(
      ctx,
      field,
      'FETCH_FAILED',
      `GET ${redactUrl(url)}: not there (HTTP 404)`,
      undefined,
      'io',
    );
  return bytes;
}

/** A host archive: inside the build context, a regular file of at most MAX_TARBALL_BYTES. */
async function hostTarball(ctx: TarballSourceContext, source: string, field: FieldPath): Promise<Buffer> {
  const { host } = await resolveSource(ctx, source, field);
  return readUserFile(host.toString(), MAX_TARBALL_BYTES, 'tarball').catch((err: unknown) => {
    throw isPithError(err) ? fieldError(ctx, field, err.code, err.message, err) : err;
  });
}
