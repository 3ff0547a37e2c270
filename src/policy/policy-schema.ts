// The policy file (`pith policy check --policy FILE`): what an image must be to pass, in YAML, checked
// against this zod schema (errors at file:line:col; the JSON Schema at schema/policy.schema.json derives
// from it). Every rule is optional; an empty policy passes everything.
import { z } from 'zod';

const SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|KiB|MiB|GiB)?$/;
const size = z
  .union([
    z.number().int().nonnegative(),
    z.string().regex(SIZE, 'must be bytes, or a number with B, KB, MB, GB, KiB, MiB or GiB'),
  ])
  .describe('Bytes, or e.g. "50MiB"');
const counts = z
  .strictObject({
    critical: z.number().int().nonnegative().optional(),
    high: z.number().int().nonnegative().optional(),
    medium: z.number().int().nonnegative().optional(),
    low: z.number().int().nonnegative().optional(),
    negligible: z.number().int().nonnegative().optional(),
    unknown: z.number().int().nonnegative().optional(),
  })
  .describe('The most findings allowed of each severity');

export const policySchema = z.strictObject({
  $schema: z.string().optional(),
  approvedBases: z
    .array(
      z.strictObject({
        name: z.string().min(1).describe('The base image name; `*` matches any run of characters'),
        digests: z.array(z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex>')).optional(),
      }),
    )
    .optional()
    .describe(
      'The image must name one of these bases (org.opencontainers.image.base.name), and one of its digests when given',
    ),
  basePinned: z
    .boolean()
    .optional()
    .describe('A base the image names must be named by digest (an image that names none passes)'),
  maxSize: z.strictObject({ compressed: size.optional(), uncompressed: size.optional() }).optional(),
  vulnerabilities: z
    .strictObject({
      feeds: z
        .array(z.string().min(1))
        .min(1)
        .describe('Feeds as for pith scan (paths relative to the policy file, or URLs)'),
      max: counts,
      fixedOnly: z.boolean().optional().describe('Count only findings with a published fix'),
    })
    .optional(),
  nonRoot: z.boolean().optional().describe('The image must not run as root'),
  noShell: z.boolean().optional(),
  noPackageManager: z.boolean().optional(),
  require: z
    .strictObject({
      sbom: z.boolean().optional().describe('An SBOM referrer (CycloneDX or SPDX) must be attached'),
      signature: z
        .boolean()
        .optional()
        .describe('A signature must be attached (sigstore bundle or cosign tag)'),
      attestations: z
        .array(z.string().min(1))
        .optional()
        .describe(
          'Signed attestations each image must carry: cyclonedx, spdx, openvex, slsaprovenance, or a predicate type URI',
        ),
    })
    .optional(),
  signatures: z
    .strictObject({
      keys: z
        .array(z.string().min(1))
        .optional()
        .describe('Public key files (PEM) whose signatures count, relative to the policy file'),
      identity: z.string().min(1).optional().describe("Keyless: the certificate's subject alternative name"),
      issuer: z.string().min(1).optional().describe('Keyless: the OIDC issuer in the certificate'),
      trustedRoot: z
        .string()
        .min(1)
        .optional()
        .describe('Keyless: the sigstore TrustedRoot JSON file, relative to the policy file'),
    })
    .optional()
    .describe('Who must have signed (pith verify --policy checks the signatures against these)'),
  findings: z
    .strictObject({
      max: z
        .strictObject({
          high: z.number().int().nonnegative().optional(),
          medium: z.number().int().nonnegative().optional(),
          low: z.number().int().nonnegative().optional(),
          info: z.number().int().nonnegative().optional(),
        })
        .optional()
        .describe('The most audit findings allowed of each severity (allowed ids not counted)'),
      allow: z
        .array(z.string().min(1))
        .optional()
        .describe('Finding ids (or id patterns with *) never counted'),
      deny: z
        .array(z.string().min(1))
        .optional()
        .describe('Finding ids (or patterns) that fail the policy outright'),
    })
    .optional(),
});

export type Policy = z.output<typeof policySchema>;

/** Bytes of a policy size (`50MiB`, `1.5GB`, or a number). */
export function sizeBytes(size: number | string): number {
  if (typeof size === 'number') return size;
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?$/.exec(size)!;
  const unit =
    { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }[m[2] ?? 'B'] ?? 1;
  return Math.round(Number(m[1]) * unit);
}

/** Whether `text` matches a pattern where `*` stands for any run of characters. */
export function globMatch(pattern: string, text: string): boolean {
  const re = pattern
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${re}$`).test(text);
}

/** The JSON Schema (draft 2020-12) of policy files (schema/policy.schema.json). */
export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(policySchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return { ...schema, $id: 'urn:pith:schema:policy:v1', title: 'pith image policy' };
}
