// `sbom`: an SBOM of any image — CycloneDX 1.6 (or 1.5) or SPDX 2.3 JSON, made from its inventory,
// deterministic (times from SOURCE_DATE_EPOCH, identifiers from the image digest).
import {
  type CycloneDxDocument,
  type CycloneDxVersion,
  type SpdxDocument,
  sbomJson,
  toCycloneDx,
  toSpdx,
} from '../sbom/index.ts';
import { checkEpoch, PithError, writeFileAtomic } from '../util/index.ts';
import type { Context } from './context.ts';
import { inventory } from './inventory.ts';

export const SBOM_FORMATS = ['cyclonedx', 'spdx'] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];

export interface SbomRequest {
  /** Any transport reference. */
  reference: string;
  /** Default cyclonedx. */
  format?: SbomFormat;
  /** CycloneDX spec version (default 1.6; 1.5 for older readers). */
  specVersion?: CycloneDxVersion;
  /** Time recorded in the document (default: the context's SOURCE_DATE_EPOCH, else 0). */
  epoch?: number;
  /** Also write the JSON to this file (atomically). */
  output?: string;
}

export interface SbomReport {
  format: SbomFormat;
  document: CycloneDxDocument | SpdxDocument;
  /** The document as written: stable bytes for the same image. */
  json: string;
  output?: string;
}

export async function sbom(ctx: Context, req: SbomRequest): Promise<SbomReport> {
  const epoch = req.epoch === undefined ? ctx.epoch() : checkEpoch(req.epoch, 'epoch');
  const format = req.format ?? 'cyclonedx';
  if (!SBOM_FORMATS.includes(format))
    throw new PithError(
      'usage',
      'UNSUPPORTED_SBOM_FORMAT',
      `format ${format}: use ${SBOM_FORMATS.join(' or ')}`,
    );
  const inv = await inventory(ctx, req.reference);
  const document =
    format === 'spdx'
      ? toSpdx(inv, { epoch })
      : toCycloneDx(inv, { epoch, ...(req.specVersion ? { specVersion: req.specVersion } : {}) });
  const json = sbomJson(document);
  if (req.output) await writeFileAtomic(req.output, Buffer.from(json), { signal: ctx.signal });
  return { format, document, json, ...(req.output ? { output: req.output } : {}) };
}
