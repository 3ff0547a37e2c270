// Test utilities for the registry tests: reading back what a registry holds, for assertions.
import { clientFor, type RemoteOptions } from '../../../src/io/index.ts';
import { type ListReferrersOptions, listReferrers } from '../../../src/io/registry/referrers.ts';
import type { Descriptor, ImageReference } from '../../../src/oci/index.ts';
import type { Digest } from '../../../src/util/index.ts';

/** The referrers of a digest in the reference's repository (referrers API, else the referrers tag). */
export async function referrersOf(
  ref: ImageReference,
  digest: Digest,
  opts: RemoteOptions & ListReferrersOptions = {},
): Promise<Descriptor[]> {
  const client = clientFor(ref, opts);
  try {
    return await listReferrers(client, ref.repository, digest, opts);
  } finally {
    client.transport.close();
  }
}
