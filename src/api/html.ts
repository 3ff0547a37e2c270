// The HTML reports of audit, compare and diff (the report module), loaded only when one is asked for.
import type { AuditResult, ComparedImage, DiffReport } from '../audit/index.ts';
import { PITH_TOOL } from '../util/index.ts';

const GENERATOR = `${PITH_TOOL.name} ${PITH_TOOL.version}`;

/** An audit as one self-contained HTML page. */
export async function auditHtml(report: AuditResult): Promise<string> {
  return (await import('../report/index.ts')).auditHtml(report, GENERATOR);
}

/** A comparison as one self-contained HTML page. */
export async function compareHtml(report: { images: readonly ComparedImage[] }): Promise<string> {
  return (await import('../report/index.ts')).compareHtml(report.images, GENERATOR);
}

/** A diff as one self-contained HTML page. */
export async function diffHtml(report: DiffReport): Promise<string> {
  return (await import('../report/index.ts')).diffHtml(report, GENERATOR);
}
