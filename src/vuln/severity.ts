// Severity from what feeds carry: the Debian tracker's urgency (unimportant → negligible, low/medium/high
// with or without `**`, the rest unknown; `../shared/briefs/analyzers.md` §3.2–3.3), OSV's CVSS vectors
// (v2, v3.0, v3.1, v4.0, scored by ae-cvss-calculator and rated with the CVSS v3.1 bands), and the severity
// labels advisory databases put in `database_specific` (GitHub's LOW/MODERATE/HIGH/CRITICAL).
import cvss from 'ae-cvss-calculator';
import { SEVERITIES, type Severity } from './types.ts';

/** The tracker's urgency as a severity: `unimportant` is negligible; `not yet assigned`, `end-of-life`… unknown. */
export function severityFromUrgency(urgency: string | undefined): Severity {
  const u = (urgency ?? '').replace(/\*+$/, '').trim().toLowerCase();
  if (u === 'unimportant') return 'negligible';
  if (u === 'low' || u === 'medium' || u === 'high') return u;
  return 'unknown';
}

/** A CVSS base score rated with the qualitative bands of CVSS v3.1 §5 (0 is negligible). */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'negligible';
}

/** The base score of a CVSS vector of any version, or undefined when it does not parse. */
export function cvssScore(vector: string): number | undefined {
  try {
    const base: unknown = cvss.fromVector(vector)?.calculateScores()?.base;
    return typeof base === 'number' && Number.isFinite(base) ? base : undefined;
  } catch {
    return undefined;
  }
}

/** A label as advisory databases write it (`MODERATE` is GitHub's medium), or undefined. */
export function severityFromLabel(label: unknown): Severity | undefined {
  if (typeof label !== 'string') return undefined;
  const l = label.trim().toLowerCase();
  if (l === 'moderate') return 'medium';
  if (l === 'important') return 'high';
  if (l === 'none') return 'negligible';
  return (SEVERITIES as readonly string[]).includes(l) && l !== 'unknown' ? (l as Severity) : undefined;
}
