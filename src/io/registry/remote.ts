// The registry side of `docker://HOST/REPO[:TAG][@DIGEST]`: a client for the reference's registry with
// credentials from the keychain, then pull or push. Plain HTTP only for loopback or hosts marked insecure.
import type { Artifact, Descriptor, ImageReference } from '../../oci/index.ts';
import { keychain } from './auth/index.ts';
import { RegistryClient } from './client.ts';
import { pullArtifact } from './pull.ts';
import { type PushOptions, pushArtifact } from './push.ts';
import { type CredentialSource, RegistryTransport } from './transport/index.ts';

export interface RemoteOptions {
  /** Credential lookup (default: podman auth.json and docker config.json). */
  credentials?: CredentialSource;
  /** Registries (host[:port]) that may be spoken to over plain HTTP. */
  insecure?: readonly string[];
  /** A PEM bundle of extra CA certificates. */
  caFile?: string;
  onRetry?: (info: { attempt: number; reason: string; delayMs: number }) => void;
}

/** A client for a reference's registry. */
export function clientFor(ref: ImageReference, opts: RemoteOptions = {}): RegistryClient {
  const transport = new RegistryTransport({
    registry: ref.registry,
    credentials: opts.credentials ?? keychain(),
    ...(opts.insecure?.includes(ref.registry) ? { insecure: true } : {}),
    ...(opts.caFile ? { caFile: opts.caFile } : {}),
    ...(opts.onRetry ? { onRetry: opts.onRetry } : {}),
    userAgent: 'pith/0.1.0',
  });
  return new RegistryClient(transport, ref.registry);
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
