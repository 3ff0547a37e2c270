// A deterministic stand-in for the registry: the digest of a reference is the sha256 of its normalised
// text (`docker.io/library/alpine:latest`), and every call is recorded.
import { formatReference, type ImageReference, parseReference, withDefaultTag } from '../../src/oci/index.ts';
import type { Resolve } from '../../src/pin/index.ts';
import { type Digest, sha256 } from '../../src/util/index.ts';

/** The fake digest of a reference as a user writes it (`golang:1.22`, `alpine`). */
export function D(ref: string): Digest {
  const { digest: _d, ...r } = withDefaultTag(parseReference(ref));
  return sha256(formatReference(r));
}

/** `ref@D(ref)`, written the way pin writes it. */
export const pinned = (ref: string): string => `${ref}@${D(ref)}`;

/** The fake digest of a reference with an old digest replaced (`x:1@sha256:…` → the digest of `x:1`). */
export const repinned = (ref: string): string => pinned(ref.slice(0, ref.lastIndexOf('@')));

export interface FakeResolver {
  resolve: Resolve;
  calls: string[];
}

export function fakeResolver(fail: Record<string, string> = {}): FakeResolver {
  const calls: string[] = [];
  const resolve: Resolve = async (ref: ImageReference) => {
    const text = formatReference(ref);
    calls.push(text);
    const failure = fail[text];
    if (failure !== undefined) throw new Error(failure);
    return sha256(text);
  };
  return { resolve, calls };
}

/** A resolver that fails the test if it is ever called. */
export const noResolve: Resolve = async (ref) => {
  throw new Error(`resolve must not be called (asked for ${formatReference(ref)})`);
};

/** A change as pin reports it for a newly pinned reference. */
export const pinChange = (line: number, column: number, before: string) => ({
  line,
  column,
  before,
  after: pinned(before),
  reason: 'pinned',
});
