// OSV records (the OSV schema, `../shared/briefs/analyzers.md` §3.4): id, aliases / upstream, summary,
// severity (CVSS vectors), affected packages by ecosystem and name with ECOSYSTEM / SEMVER ranges (GIT
// ranges name commits, which an image does not carry, and are left out) and explicit versions, and the
// severity hints databases add (`ecosystem_specific.urgency` in Debian's records, GitHub's
// `database_specific.severity`). Withdrawn records are dropped. Packages are keyed by ecosystem (without
// its `:RELEASE` suffix) and name, PyPI names normalised as PEP 503 says.
import { vulnError } from './error-codes.ts';
import { isObject } from './json-object.ts';

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: 'ECOSYSTEM' | 'SEMVER';
  events: OsvEvent[];
}

export interface OsvAffected {
  /** As written: `Debian:12`, `npm`, `PyPI`. */
  ecosystem: string;
  name: string;
  ranges: OsvRange[];
  versions: string[];
  /** Debian's urgency, or a label from the affected entry's database_specific. */
  severityHint?: string;
}

export interface OsvRecord {
  id: string;
  aliases: string[];
  summary?: string;
  /** CVSS vectors, best first (v4, v3.1, v3.0, v2). */
  cvss: string[];
  /** The record's severity label (database_specific.severity). */
  severityLabel?: string;
  affected: OsvAffected[];
  references: string[];
}

/** True for an object with the two fields every OSV record has. */
export function looksLikeOsv(json: unknown): boolean {
  return isObject(json) && typeof json['id'] === 'string' && typeof json['modified'] === 'string';
}

/** The lookup key of a package: `debian:openssl`, `npm:@scope/x`, `pypi:requests`. */
export function osvPackageKey(ecosystem: string, name: string): string {
  const base = (ecosystem.split(':')[0] ?? '').toLowerCase();
  return `${base}:${base === 'pypi' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name}`;
}

/** One record, checked; undefined for a withdrawn one. */
export function readOsvRecord(name: string, json: unknown): OsvRecord | undefined {
  if (!looksLikeOsv(json)) throw vulnError('FEED_INVALID', `${name}: not an OSV record (no id and modified)`);
  const rec = json as Record<string, unknown>;
  const id = rec['id'] as string;
  const where = (field: string) => `${name}: ${id}: ${field}`;
  if (rec['withdrawn'] !== undefined) return undefined;
  const aliases = [
    ...strings(rec['aliases'], where('aliases')),
    ...strings(rec['upstream'], where('upstream')),
  ];
  const affected = arrayOf(rec['affected'], where('affected')).map((a, i) =>
    readAffected(a, where(`affected[${i}]`)),
  );
  const out: OsvRecord = {
    id,
    aliases: [...new Set(aliases)].filter((a) => a !== id).sort(),
    cvss: cvssVectors(rec['severity'], where('severity')),
    affected,
    references: arrayOf(rec['references'], where('references'))
      .map((r) => (isObject(r) && typeof r['url'] === 'string' ? r['url'] : undefined))
      .filter((u): u is string => u !== undefined),
  };
  if (typeof rec['summary'] === 'string' && rec['summary']) out.summary = rec['summary'];
  const db = rec['database_specific'];
  if (isObject(db) && typeof db['severity'] === 'string') out.severityLabel = db['severity'];
  return out;
}

function readAffected(a: unknown, where: string): OsvAffected {
  if (!isObject(a)) throw vulnError('FEED_INVALID', `${where}: must be an object`);
  const pkg = a['package'];
  if (!isObject(pkg) || typeof pkg['ecosystem'] !== 'string' || typeof pkg['name'] !== 'string')
    throw vulnError('FEED_INVALID', `${where}.package: must have an ecosystem and a name`);
  const ranges: OsvRange[] = [];
  for (const [i, r] of arrayOf(a['ranges'], `${where}.ranges`).entries()) {
    if (!isObject(r) || typeof r['type'] !== 'string')
      throw vulnError('FEED_INVALID', `${where}.ranges[${i}]: must have a type`);
    if (r['type'] !== 'ECOSYSTEM' && r['type'] !== 'SEMVER') continue;
    ranges.push({ type: r['type'], events: readEvents(r['events'], `${where}.ranges[${i}].events`) });
  }
  const out: OsvAffected = {
    ecosystem: pkg['ecosystem'],
    name: pkg['name'],
    ranges,
    versions: strings(a['versions'], `${where}.versions`),
  };
  const eco = a['ecosystem_specific'];
  const db = a['database_specific'];
  if (isObject(eco) && typeof eco['urgency'] === 'string') out.severityHint = eco['urgency'];
  else if (isObject(db) && typeof db['severity'] === 'string') out.severityHint = db['severity'];
  return out;
}

const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

function readEvents(v: unknown, where: string): OsvEvent[] {
  return arrayOf(v, where).map((e, i) => {
    const key = isObject(e) ? EVENT_KEYS.find((k) => typeof e[k] === 'string') : undefined;
    if (!key) throw vulnError('FEED_INVALID', `${where}[${i}]: must be one of ${EVENT_KEYS.join(', ')}`);
    return { [key]: (e as Record<string, string>)[key] };
  });
}

const CVSS_ORDER = ['CVSS_V4', 'CVSS_V3', 'CVSS_V2'];

function cvssVectors(v: unknown, where: string): string[] {
  const found = arrayOf(v, where)
    .filter((s): s is Record<string, string> => isObject(s) && typeof s['score'] === 'string')
    .filter((s) => CVSS_ORDER.includes(s['type'] ?? ''));
  found.sort((a, b) => CVSS_ORDER.indexOf(a['type'] ?? '') - CVSS_ORDER.indexOf(b['type'] ?? ''));
  return found.map((s) => s['score'] ?? '');
}

function strings(v: unknown, where: string): string[] {
  const list = arrayOf(v, where);
  if (list.some((s) => typeof s !== 'string')) throw vulnError('FEED_INVALID', `${where}: must be strings`);
  return list as string[];
}

function arrayOf(v: unknown, where: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw vulnError('FEED_INVALID', `${where}: must be an array`);
  return v;
}
