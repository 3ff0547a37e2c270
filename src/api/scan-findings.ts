// The scan report's light parts: the document formats a scan can write and the findings at or above a
// severity (the CLI's --fail-on), usable without loading the scanner.
import { atLeast, type Finding, type Severity } from '../vuln/types.ts';

export const SCAN_DOCUMENT_FORMATS = ['sarif', 'cyclonedx'] as const;
export type ScanDocumentFormat = (typeof SCAN_DOCUMENT_FORMATS)[number];

/** Every image's findings of `threshold` or worse (of a ScanReport). */
export function findingsAtLeast(
  report: { images: { findings: Finding[] }[] },
  threshold: Severity,
): Finding[] {
  return report.images.flatMap((img) => img.findings.filter((f) => atLeast(f.severity, threshold)));
}
