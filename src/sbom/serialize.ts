// The bytes of an SBOM document: JSON indented by two spaces, members in the order the writers build them
// (no Map or integer-like keys whose order could vary), one final newline. Same document, same bytes.
import type { CycloneDxDocument } from './cyclonedx.ts';
import type { SpdxDocument } from './spdx.ts';

/** The JSON text of an SBOM document. */
export function sbomJson(doc: CycloneDxDocument | SpdxDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
