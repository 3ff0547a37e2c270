// Secrets in an image: every text file of every layer (a file a later layer deletes is still downloaded
// with the image, so it counts), the config's Env and the history's created_by lines (where build
// arguments end up), checked against SECRET_RULES. Text only (no NUL byte in the first piece), at most
// 2 MiB a file, documentation trees skipped. A finding shows a redacted form, never the secret.
import { ENV_RULE, entropy, SECRET_NAME, SECRET_RULES, type SecretRule } from './secret-rules.ts';

export interface SecretHit {
  rule: SecretRule;
  /** The image path, or where in the config (`config Env`, `history[2]`). */
  where: string;
  /** The layer whose tar holds the file; undefined for the config. */
  layer?: number;
  line: number;
  redacted: string;
}

const MAX_BYTES = 2 << 20;
/** Hits kept per rule in one text: a file of a thousand keys is one problem, reported a few times. */
const MAX_PER_RULE = 10;
/** Trees of documentation and headers: full of example keys, never read by a program at run time. */
const SKIPPED = /^usr\/(share\/(doc|man|info|locale|help)|include)\//;
/** Placeholders that match a rule's shape. */
const STOPWORDS = /example|sample|dummy|placeholder|changeme|your[_-]?(token|key|secret)|x{8,}|\*{4,}/i;

/** Collects secrets from the files flatten hands it, layer by layer. */
export class SecretScanner {
  readonly hits: SecretHit[] = [];

  /** Whether a file's content is to be scanned: text, at most 2 MiB, outside documentation trees. */
  wants = (path: string, size: number, head: Buffer): boolean =>
    size > 0 && size <= MAX_BYTES && !SKIPPED.test(path) && !head.subarray(0, 8192).includes(0);

  file = (path: string, layer: number, data: Buffer): void => {
    for (const hit of scanText(data.toString('latin1'), path))
      this.hits.push({ ...hit, where: `/${path}`, layer });
  };
}

/** The rule matches in a text; `path` selects the rules that apply to that file name. */
export function scanText(text: string, path?: string): Omit<SecretHit, 'where' | 'layer'>[] {
  const lower = text.toLowerCase();
  const out: Omit<SecretHit, 'where' | 'layer'>[] = [];
  // one finding per secret: a later (less specific) rule matching the same characters is not another one
  const taken: [number, number][] = [];
  for (const rule of SECRET_RULES) {
    if (rule.path && !(path !== undefined && rule.path.test(path))) continue;
    if (!rule.keywords.some((k) => lower.includes(k))) continue;
    let kept = 0;
    for (const m of rule.end ? blocks(text, rule.pattern, rule.end) : text.matchAll(rule.pattern)) {
      if (kept >= MAX_PER_RULE) break;
      const secret = m[1] ?? m[0];
      const start = m.index + m[0].indexOf(secret);
      const end = start + secret.length;
      if (taken.some(([a, b]) => start < b && a < end)) continue;
      if (STOPWORDS.test(secret)) continue;
      if (rule.entropy !== undefined && entropy(secret) < rule.entropy) continue;
      taken.push([start, end]);
      kept++;
      out.push({ rule, line: lineOf(text, m.index), redacted: redact(secret) });
    }
  }
  return out;
}

/** Blocks from each `begin` to the first `end` after it, 64 to 16384 characters long, in one pass. */
function* blocks(
  text: string,
  begin: RegExp,
  end: RegExp,
): Generator<{ 0: string; 1?: string; index: number }> {
  const ends = [...text.matchAll(end)].map((m) => m.index + m[0].length);
  let e = 0;
  for (const b of text.matchAll(begin)) {
    while (e < ends.length && ends[e]! <= b.index + b[0].length) e++;
    if (e === ends.length) return;
    const length = ends[e]! - b.index;
    if (length >= 64 && length <= 16384) yield { 0: text.slice(b.index, ends[e]), index: b.index };
  }
}

/** Secrets in the config: Env values (by rule, or by a secret-sounding name) and history lines. */
export function scanConfig(env: readonly string[], history: readonly (string | undefined)[]): SecretHit[] {
  const out: SecretHit[] = [];
  const assignment = /(?:^|\s)([A-Za-z_][A-Za-z0-9_]{0,127})=("[^"]{0,4096}"|'[^']{0,4096}'|\S{1,4096})/g;
  const check = (text: string, where: string) => {
    for (const hit of scanText(text)) out.push({ ...hit, where });
    for (const m of text.matchAll(assignment)) {
      const value = m[2]!.replace(/^["']|["']$/g, '');
      if (!SECRET_NAME.test(m[1]!) || value.length < 8 || value.startsWith('/') || value.startsWith('$'))
        continue;
      if (STOPWORDS.test(value) || entropy(value) < 3) continue;
      if (out.some((h) => h.where === where && h.redacted === redact(value))) continue;
      out.push({ rule: ENV_RULE, where, line: 1, redacted: redact(value) });
    }
  };
  for (const e of env) {
    // an Env entry is NAME=VALUE, the value whole (spaces and all)
    const eq = e.indexOf('=');
    check(eq > 0 ? `${e.slice(0, eq)}=${JSON.stringify(e.slice(eq + 1))}` : e, 'config Env');
  }
  history.forEach((h, i) => {
    if (h) check(h, `history[${i}]`);
  });
  return out;
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The public prefixes that name a token's kind (AWS key ids, GitHub and GitLab tokens, …). */
const PREFIX =
  /^(AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9]|gh[pousr]_|github_pat_|glpat-|AIza|xox[baprs]-|[sr]k_live_|npm_|pypi-|sk-proj-|sk-svcacct-|sk-admin-|sk-ant-api03-|hf_|eyJ)/;

/**
 * Enough to recognise it, nothing to use: a private key's BEGIN line, or a token's public prefix, and the
 * length. A password or a value without such a prefix is shown by its length only.
 */
function redact(secret: string): string {
  const begin = /^-----BEGIN[^-]*-----/.exec(secret);
  if (begin) return `${begin[0]} (${secret.length} chars)`;
  const prefix = PREFIX.exec(secret)?.[0];
  return prefix ? `${prefix}… (${secret.length} chars)` : `… (${secret.length} chars)`;
}
