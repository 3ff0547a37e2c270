// The "simple signing" payload cosign and containers/image sign for the legacy `sha256-<hex>.sig` tag
// (containers-signature.5; briefs/oci.md §15): the image's manifest digest and the docker reference it was
// signed for. Written in lowercase; read case-insensitively, as Go's JSON decoder reads it.
import { type Digest, isDigest, PithError } from '../util/index.ts';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
const TYPE = 'cosign container image signature';

export interface SimpleSigning {
  dockerReference: string;
  digest: Digest;
  /** The signer's annotations (`optional`), when there are any. */
  optional?: Record<string, unknown>;
}

/** The payload for an image digest, signed for `dockerReference` (repository, and tag when signed by tag). */
export function simpleSigningPayload(s: SimpleSigning): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': s.dockerReference },
        image: { 'docker-manifest-digest': s.digest },
        type: TYPE,
      },
      optional: s.optional ?? null,
    }),
  );
}

/** A payload read back; INVALID_SIGNATURE_PAYLOAD when it is not a cosign simple-signing document. */
export function parseSimpleSigning(bytes: Buffer, where: string): SimpleSigning {
  const fail = (why: string): never => {
    throw new PithError('check', 'SIGNATURE_INVALID', `${where}: the signed payload ${why}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return fail('is not JSON');
  }
  const critical = field(doc, 'critical');
  const type = field(critical, 'type');
  const digest = field(field(critical, 'image'), 'docker-manifest-digest');
  const ref = field(field(critical, 'identity'), 'docker-reference');
  if (type !== TYPE) fail(`has type ${JSON.stringify(type)}, not "${TYPE}"`);
  if (!isDigest(digest)) fail('names no manifest digest');
  const optional = field(doc, 'optional');
  return {
    dockerReference: typeof ref === 'string' ? ref : '',
    digest: digest as Digest,
    ...(optional && typeof optional === 'object' ? { optional: optional as Record<string, unknown> } : {}),
  };
}

/** A member of a JSON object by name, matched without regard to case (Go's encoding/json rule). */
function field(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const rec = obj as Record<string, unknown>;
  if (name in rec) return rec[name];
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : rec[key];
}
