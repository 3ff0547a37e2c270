// Reading OpenVEX documents (v0.2.0, and the v0.0.x shape where vulnerability and products are plain
// strings; `../shared/briefs/anchors-2026.md` §3) and applying them to findings the way trivy and grype
// do: a statement is about a finding when it names the vulnerability (or an alias) and either a product
// that is this image — `pkg:oci/NAME@sha256:…` with the index's or the platform manifest's digest, a
// versionless `pkg:oci/NAME`, or the bare digest — with no subcomponents or one matching the package's
// purl, or the package's own purl as the product. purls match as trivy matches them: a pattern without a
// version matches every version, qualifiers absent from the pattern match anything. Of the statements
// about one finding the latest (by timestamp, then order) decides; `not_affected` and `fixed` suppress.
import { parsePurl } from '../sbom/index.ts';
import { readUserFile } from '../util/index.ts';
import { vulnError } from './error-codes.ts';
import { isObject } from './json-object.ts';
import { type Finding, type SuppressedFinding, VEX_STATUSES, type VexStatus } from './types.ts';

export interface VexStatement {
  /** The vulnerability's name and aliases. */
  vulnerabilities: string[];
  products: { id: string; subcomponents: string[] }[];
  status: VexStatus;
  justification?: string;
  impactStatement?: string;
  timestamp?: string;
  /** The document it came from, and its place there (for ordering). */
  document: string;
  index: number;
}

/** Reads an OpenVEX file of at most `maxBytes`: its bytes (to attach as they are) and its statements. */
export async function readOpenVexFile(
  path: string,
  maxBytes: number,
): Promise<{ bytes: Buffer; statements: VexStatement[] }> {
  const bytes = await readUserFile(path, maxBytes, 'VEX document');
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw vulnError('VEX_INVALID', `${path}: not JSON (${(err as Error).message})`, { cause: err });
  }
  return { bytes, statements: readOpenVex(path, json) };
}

/** Reads one OpenVEX document (parsed JSON); `name` names it in errors. */
export function readOpenVex(name: string, json: unknown): VexStatement[] {
  if (
    !isObject(json) ||
    typeof json['@context'] !== 'string' ||
    !json['@context'].startsWith('https://openvex.dev/ns')
  )
    throw vulnError(
      'VEX_INVALID',
      `${name}: not an OpenVEX document (@context must be https://openvex.dev/ns/…)`,
    );
  const statements = json['statements'];
  if (!Array.isArray(statements)) throw vulnError('VEX_INVALID', `${name}: statements must be an array`);
  const docTime = typeof json['timestamp'] === 'string' ? json['timestamp'] : undefined;
  return statements.map((s, i) => readStatement(s, `${name}: statements[${i}]`, name, i, docTime));
}

function readStatement(
  s: unknown,
  where: string,
  document: string,
  index: number,
  docTime?: string,
): VexStatement {
  if (!isObject(s)) throw vulnError('VEX_INVALID', `${where}: must be an object`);
  const v = s['vulnerability'];
  const vulnerabilities =
    typeof v === 'string'
      ? [v]
      : isObject(v) && typeof v['name'] === 'string'
        ? [
            v['name'],
            ...(Array.isArray(v['aliases']) ? v['aliases'].filter((a) => typeof a === 'string') : []),
          ]
        : undefined;
  if (!vulnerabilities) throw vulnError('VEX_INVALID', `${where}.vulnerability: must have a name`);
  const status = s['status'];
  if (typeof status !== 'string' || !(VEX_STATUSES as readonly string[]).includes(status))
    throw vulnError('VEX_INVALID', `${where}.status: must be one of ${VEX_STATUSES.join(', ')}`);
  const products = (Array.isArray(s['products']) ? s['products'] : []).map((p, j) => {
    if (typeof p === 'string') return { id: p, subcomponents: [] };
    if (!isObject(p) || typeof p['@id'] !== 'string')
      throw vulnError('VEX_INVALID', `${where}.products[${j}]: must have an @id`);
    const subs = Array.isArray(p['subcomponents']) ? p['subcomponents'] : [];
    return {
      id: p['@id'],
      subcomponents: subs.flatMap((c) =>
        typeof c === 'string' ? [c] : isObject(c) && typeof c['@id'] === 'string' ? [c['@id']] : [],
      ),
    };
  });
  if (products.length === 0)
    throw vulnError('VEX_INVALID', `${where}.products: must name at least one product`);
  const out: VexStatement = { vulnerabilities, products, status: status as VexStatus, document, index };
  if (typeof s['justification'] === 'string') out.justification = s['justification'];
  if (typeof s['impact_statement'] === 'string') out.impactStatement = s['impact_statement'];
  const time = typeof s['timestamp'] === 'string' ? s['timestamp'] : docTime;
  if (time) out.timestamp = time;
  return out;
}

/** The image a scan looked at, as VEX products name it. */
export interface VexSubject {
  /** The purl name (`app`). */
  name: string;
  /** The index's and this platform's manifest digests. */
  digests: string[];
}

/** Splits findings into those that stay and those a statement suppressed. */
export function applyVex(
  findings: readonly Finding[],
  statements: readonly VexStatement[],
  subject: VexSubject,
): { findings: Finding[]; suppressed: SuppressedFinding[] } {
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    const deciding = latest(statements.filter((s) => about(s, f, subject)));
    if (deciding && (deciding.status === 'not_affected' || deciding.status === 'fixed')) {
      suppressed.push({
        ...f,
        vex: {
          status: deciding.status,
          ...(deciding.justification ? { justification: deciding.justification } : {}),
          ...(deciding.impactStatement ? { statement: deciding.impactStatement } : {}),
          document: deciding.document,
        },
      });
    } else kept.push(f);
  }
  return { findings: kept, suppressed };
}

function about(s: VexStatement, f: Finding, subject: VexSubject): boolean {
  const ids = new Set([f.id, ...f.aliases]);
  if (!s.vulnerabilities.some((v) => ids.has(v))) return false;
  return s.products.some(
    (p) =>
      purlMatches(p.id, f.package.purl) ||
      (isSubject(p.id, subject) &&
        (p.subcomponents.length === 0 || p.subcomponents.some((c) => purlMatches(c, f.package.purl)))),
  );
}

function isSubject(id: string, subject: VexSubject): boolean {
  const p = parsePurl(id);
  if (p?.type === 'oci') {
    if (p.version) return subject.digests.includes(p.version);
    return p.name.toLowerCase() === subject.name.toLowerCase();
  }
  const digest =
    /sha256:[0-9a-f]{64}$/.exec(id)?.[0] ?? (/^[0-9a-f]{64}$/.test(id) ? `sha256:${id}` : undefined);
  return digest !== undefined && subject.digests.includes(digest);
}

/** Whether purl `pattern` covers `actual` (versionless and qualifier-less patterns are wider). */
export function purlMatches(pattern: string, actual: string): boolean {
  const p = parsePurl(pattern);
  const a = parsePurl(actual);
  if (!p || !a || p.type === 'oci') return false;
  if (p.type !== a.type || p.name !== a.name || (p.namespace ?? '') !== (a.namespace ?? '')) return false;
  if (p.version !== undefined && p.version !== a.version) return false;
  return Object.entries(p.qualifiers ?? {}).every(([k, v]) => a.qualifiers?.[k] === v);
}

function latest(list: VexStatement[]): VexStatement | undefined {
  const time = (s: VexStatement) => Date.parse(s.timestamp ?? '') || 0;
  let best: VexStatement | undefined;
  for (const s of list)
    if (!best || time(s) > time(best) || (time(s) === time(best) && s.index >= best.index)) best = s;
  return best;
}
