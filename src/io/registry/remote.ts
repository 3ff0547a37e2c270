// The registry side of `docker://HOST/REPO[:TAG][@DIGEST]`: a client for the reference's registry with
// credentials from the keychain, then pull or push. Plain HTTP only for loopback or hosts marked insecure.
// Every setting arrives in the options of the call (the api's context supplies them): nothing is read from
// the environment or kept between calls here.
import {
  type Artifact,
  type Child,
  type Descriptor,
  type ImageReference,
  isIndexType,
  isManifestType,
  topDocument,
} from '../../oci/index.ts';
import type { Digest } from '../../util/index.ts';
import { DEFAULT_IDLE_TIMEOUT_MS, type RetryInfo, type Scope } from '../../util/index.ts';
import { keychain } from './auth/index.ts';
import { RegistryClient } from './client.ts';
import type { OnProgress } from './progress.ts';
import { pullArtifact } from './pull.ts';
import { type PushOptions, pushArtifact } from './push.ts';
import { type CopyReferrersOptions, type CopyReferrersResult, listReferrers } from './referrers.ts';
import { type CredentialSource, RegistryTransport } from './transport/index.ts';

export interface RemoteOptions {
  /** Credential lookup (default: podman auth.json and docker config.json). */
  credentials?: CredentialSource;
  /** Registries (host[:port]) that may be spoken to over plain HTTP. */
  insecure?: readonly string[];
  /** A PEM bundle of extra CA certificates. */
  caFile?: string;
  /** Hears each failed attempt that will be retried, with the registry it was sent to. */
  onRetry?: (info: RetryInfo & { registry: string }) => void;
  /** Idle timeout in ms: an attempt with no byte either way for this long is given up and retried (30 s). */
  idleTimeoutMs?: number;
  /** Cancels every request in flight and every retry wait. */
  signal?: AbortSignal | undefined;
  /** Waits between attempts (default: a timer the signal cancels). */
  sleep?: (ms: number) => Promise<void>;
  /** Closes the connections of every client made with these options when the scope closes. */
  scope?: Scope | undefined;
  /** Hears the bytes of every blob pulled (read) or pushed (written), throttled. */
  onProgress?: OnProgress;
  /**
   * Clients to reuse, by registry: calls sharing this map share one connection pool and one token (no
   * ping per call). The scope, when given, closes each once.
   */
  clients?: Map<string, RegistryClient>;
}

/** The transport to a registry (host[:port]) with the settings of `opts`. */
export function transportFor(registry: string, opts: RemoteOptions = {}): RegistryTransport {
  return new RegistryTransport({
    registry,
    credentials: opts.credentials ?? keychain(),
    ...(opts.insecure?.includes(registry) ? { insecure: true } : {}),
    ...(opts.caFile ? { caFile: opts.caFile } : {}),
    ...(opts.onRetry ? { onRetry: (info: RetryInfo) => opts.onRetry?.({ ...info, registry }) } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
    timeoutMs: opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    userAgent: 'pith/0.1.0',
  });
}

/** A client for a reference's registry; `opts.onProgress` hears the blobs it reads. */
export function clientFor(ref: ImageReference, opts: RemoteOptions = {}): RegistryClient {
  const shared = opts.clients?.get(ref.registry);
  if (shared) return shared;
  const transport = transportFor(ref.registry, opts);
  opts.scope?.defer(() => transport.close());
  const client = new RegistryClient(transport, ref.registry, opts.onProgress);
  opts.clients?.set(ref.registry, client);
  return client;
}

/** Pulls what a reference names (its digest wins over its tag). */
export function pullRemote(ref: ImageReference, opts: RemoteOptions = {}): Promise<Artifact> {
  return pullArtifact(clientFor(ref, opts), ref.repository, ref.digest ?? ref.tag ?? 'latest');
}

/** Pushes an artifact under the reference's tag (or by digest only when it has none). */
export function pushRemote(
  ref: ImageReference,
  artifact: Artifact,
  opts: RemoteOptions & PushOptions = {},
): Promise<Descriptor> {
  return pushArtifact(
    clientFor(ref, opts),
    ref.repository,
    artifact,
    ref.tag ?? (ref.digest ? undefined : 'latest'),
    opts,
  );
}

/**
 * `copy --all`: copies the referrers of `digests` (the top and child manifests of an artifact already
 * copied) from the source repository to the destination, each pulled and pushed by digest (no tag), then
 * their own referrers, breadth first, to `maxDepth` levels and `maxArtifacts` artifacts. The destination
 * lists them through its referrers API, or through the referrers tag pushArtifact maintains without one.
 */
export async function copyReferrers(
  srcRef: ImageReference,
  dstRef: ImageReference,
  digests: Digest[],
  opts: RemoteOptions & PushOptions & CopyReferrersOptions = {},
): Promise<CopyReferrersResult> {
  const maxDepth = opts.maxDepth ?? 4;
  const maxArtifacts = opts.maxArtifacts ?? 1000;
  const src = clientFor(srcRef, opts);
  const dst = clientFor(dstRef, opts);
  const sameRegistry = srcRef.registry === dstRef.registry && srcRef.repository !== dstRef.repository;
  const pushOpts: PushOptions = {
    ...opts,
    ...(opts.mountFrom === undefined && sameRegistry ? { mountFrom: srcRef.repository } : {}),
  };
  const result: CopyReferrersResult = { copied: [], skipped: [], truncated: false };
  const seen = new Set<string>(digests);
  let level = [...seen] as Digest[];
  try {
    for (let depth = 1; level.length > 0 && !result.truncated; depth++) {
      const next: Digest[] = [];
      for (const subject of level) {
        for (const d of await listReferrers(src, srcRef.repository, subject)) {
          if (seen.has(d.digest)) continue;
          if (depth > maxDepth || result.copied.length >= maxArtifacts) {
            result.truncated = true;
            break;
          }
          seen.add(d.digest);
          if (!isManifestType(d.mediaType) && !isIndexType(d.mediaType)) {
            result.skipped.push(d);
            continue;
          }
          const artifact = await pullArtifact(src, srcRef.repository, d.digest);
          await pushArtifact(dst, dstRef.repository, artifact, undefined, pushOpts);
          result.copied.push(d);
          opts.onReferrer?.(d, depth);
          next.push(...manifestDigests(artifact));
        }
        if (result.truncated) break;
      }
      level = next;
    }
    return result;
  } finally {
    src.transport.close();
    dst.transport.close();
  }
}

/** The digests of an artifact's top manifest and every child manifest: what referrers may name. */
function manifestDigests(c: Child): Digest[] {
  if (c.kind === 'blob') return [];
  const own = topDocument(c).digest;
  return c.kind === 'index' ? [own, ...c.children.flatMap(manifestDigests)] : [own];
}

/** Pushes referrers (manifests with a subject) by digest: the registry lists them, or the fallback tag does. */
export async function pushReferrers(
  ref: ImageReference,
  referrers: readonly Artifact[],
  opts: RemoteOptions & PushOptions = {},
): Promise<Descriptor[]> {
  const client = clientFor(ref, opts);
  const out: Descriptor[] = [];
  for (const r of referrers) out.push(await pushArtifact(client, ref.repository, r, undefined, opts));
  return out;
}
