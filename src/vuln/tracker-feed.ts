// The Debian security tracker's JSON (`../shared/briefs/analyzers.md` §3.1): source package → issue id →
// description, scope and, per release codename, status (resolved, open, undetermined), fixed_version
// ("0": never affected), urgency, nodsa / nodsa_reason and the version each suite carries. Read as the
// tracker writes it (keys with null values already dropped); ids that are not CVEs (TEMP-…) are skipped,
// as vunnel and osv.dev skip them. Every field pith reads is type-checked; a wrong one names its path.
import { vulnError } from './error-codes.ts';
import { isObject } from './json-object.ts';

export interface TrackerRelease {
  status: 'resolved' | 'open' | 'undetermined';
  /** The first fixed version; `0` when the release was never affected. */
  fixedVersion?: string;
  urgency?: string;
  /** Free text when the security team decided against an advisory (no-DSA), e.g. `Minor issue`. */
  nodsa?: string;
  /** `postponed`, `ignored` or empty. */
  nodsaReason?: string;
  /** Suite → the version it carries (`bookworm`, `bookworm-security`). */
  repositories: Record<string, string>;
}

export interface TrackerIssue {
  id: string;
  description?: string;
  /** Codename → the issue's state there. */
  releases: Record<string, TrackerRelease>;
}

/** The tracker's issues by source package. */
export interface TrackerFeed {
  kind: 'debian-tracker';
  name: string;
  bySource: Map<string, TrackerIssue[]>;
}

const STATUSES = new Set(['resolved', 'open', 'undetermined']);

/** True when `json` has the tracker's shape: package → { CVE-…|TEMP-… → { releases } }. */
export function looksLikeTracker(json: unknown): boolean {
  if (!isObject(json) || Array.isArray(json)) return false;
  for (const issues of Object.values(json)) {
    if (!isObject(issues)) return false;
    const first = Object.keys(issues)[0];
    if (first !== undefined) return /^(CVE|TEMP)-/.test(first);
  }
  return Object.keys(json).length === 0;
}

/** Reads the tracker JSON (already parsed) into issues by source package. */
export function readTrackerFeed(name: string, json: unknown): TrackerFeed {
  const bySource = new Map<string, TrackerIssue[]>();
  const where = (...path: string[]) => `${name}: ${path.join('.')}`;
  if (!isObject(json)) throw vulnError('FEED_INVALID', `${name}: the tracker JSON must be an object`);
  for (const [source, issues] of Object.entries(json)) {
    if (!isObject(issues)) throw vulnError('FEED_INVALID', `${where(source)}: must be an object`);
    const list: TrackerIssue[] = [];
    for (const [id, issue] of Object.entries(issues)) {
      if (!id.startsWith('CVE-')) continue;
      if (!isObject(issue)) throw vulnError('FEED_INVALID', `${where(source, id)}: must be an object`);
      list.push(readIssue(id, issue, (...p) => where(source, id, ...p)));
    }
    if (list.length) bySource.set(source, list);
  }
  return { kind: 'debian-tracker', name, bySource };
}

type Where = (...path: string[]) => string;

function readIssue(id: string, issue: Record<string, unknown>, where: Where): TrackerIssue {
  const releases: Record<string, TrackerRelease> = {};
  const raw = issue['releases'] ?? {};
  if (!isObject(raw)) throw vulnError('FEED_INVALID', `${where('releases')}: must be an object`);
  for (const [codename, rel] of Object.entries(raw)) {
    if (!isObject(rel)) throw vulnError('FEED_INVALID', `${where('releases', codename)}: must be an object`);
    releases[codename] = readRelease(rel, (...p) => where('releases', codename, ...p));
  }
  const description = optionalString(issue, 'description', where);
  return { id, ...(description ? { description } : {}), releases };
}

function readRelease(rel: Record<string, unknown>, where: Where): TrackerRelease {
  const status = rel['status'];
  if (typeof status !== 'string' || !STATUSES.has(status))
    throw vulnError(
      'FEED_INVALID',
      `${where('status')}: must be resolved, open or undetermined (got ${JSON.stringify(status)})`,
    );
  const repositories: Record<string, string> = {};
  const repos = rel['repositories'] ?? {};
  if (!isObject(repos)) throw vulnError('FEED_INVALID', `${where('repositories')}: must be an object`);
  for (const [suite, version] of Object.entries(repos)) {
    if (typeof version !== 'string')
      throw vulnError('FEED_INVALID', `${where('repositories', suite)}: must be a version string`);
    repositories[suite] = version;
  }
  const out: TrackerRelease = { status: status as TrackerRelease['status'], repositories };
  const fixed = optionalString(rel, 'fixed_version', where);
  const urgency = optionalString(rel, 'urgency', where);
  const nodsa = optionalString(rel, 'nodsa', where);
  const nodsaReason = optionalString(rel, 'nodsa_reason', where);
  if (fixed !== undefined) out.fixedVersion = fixed;
  if (urgency !== undefined) out.urgency = urgency;
  if (nodsa !== undefined) out.nodsa = nodsa;
  if (nodsaReason !== undefined) out.nodsaReason = nodsaReason;
  return out;
}

function optionalString(obj: Record<string, unknown>, key: string, where: Where): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw vulnError('FEED_INVALID', `${where(key)}: must be a string`);
  return v;
}
