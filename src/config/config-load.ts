// Loads pith.yaml: YAML syntax errors and schema errors alike come out as one clear message per problem
// with `file:line:col` and the field path (yaml's LineCounter maps every node back to its source).
import { dirname, join, resolve } from 'node:path';
import { type Document, isMap, isPair, isScalar, LineCounter, type Node, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { isPithError, PithError, readUserFile } from '../util/index.ts';
import { configSchema, contentEntry, type PithConfig } from './config-schema.ts';

export type FieldPath = readonly (string | number)[];

/** yaml's default bound on alias expansion, stated here because the error message names it. */
const MAX_ALIAS_COUNT = 100;

export interface LoadedConfig {
  config: PithConfig;
  file: string;
  /** Directory that relative `src` and `context` paths resolve against (the config file's). */
  baseDir: string;
  /** `file:line:col` of a field (or of its nearest existing parent). */
  where(path: FieldPath): string;
}

/** A config is text written by a person: 4 MiB is far beyond any real one. */
const MAX_CONFIG_BYTES = 4 << 20;

/**
 * Fields given beside a config (the CLI's --preset, --variant, --suite, --arch; a library caller's request
 * fields): merged over the config's own values before validation, so a bad value is reported by the schema
 * the same way whichever way it came. Unvalidated on purpose.
 */
export interface ConfigOverrides {
  preset?: string | undefined;
  variant?: string | undefined;
  suite?: string | undefined;
  archs?: readonly string[] | undefined;
}

/** Where overridden fields are said to be in messages. */
export const OVERRIDE_WHERE = '(command line or request)';

/** Reads and validates a config file (a regular file of at most 4 MiB), with overrides merged in. */
export async function loadConfig(file: string, overrides: ConfigOverrides = {}): Promise<LoadedConfig> {
  const bytes = await readUserFile(file, MAX_CONFIG_BYTES, 'config').catch((cause: unknown) => {
    if (!isPithError(cause)) throw cause;
    const hint =
      cause.code === 'EISDIR' ? `; name the config file in it (e.g. ${join(file, 'pith.yaml')})` : '';
    const options = { cause, details: { file } };
    if (cause.kind === 'io') throw new PithError('io', 'CONFIG_UNREADABLE', cause.message, options);
    const code = cause.code === 'ENOENT' ? 'CONFIG_NOT_FOUND' : 'CONFIG_NOT_A_FILE';
    throw new PithError('input', code, `${cause.message}${hint}`, options);
  });
  return parseConfig(bytes.toString('utf8'), file, overrides);
}

/** Parses and validates config text; `file` names it in messages. */
export function parseConfig(text: string, file: string, overrides: ConfigOverrides = {}): LoadedConfig {
  const { value, where } = parseYamlDocument(text, file, configSchema, 'CONFIG_INVALID', overrides);
  return { config: value, file, baseDir: dirname(resolve(file)), where };
}

/**
 * Parses YAML text and validates it with `schema` (pith.yaml, or another small YAML file of pith's such as
 * a VEX triage file): syntax errors and every schema problem as `file:line:col: field: why`, thrown as
 * CONFIG_SYNTAX or `code`.
 */
export function parseYamlDocument<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  code: 'CONFIG_INVALID' | 'TRIAGE_INVALID' | 'POLICY_INVALID',
  overrides: ConfigOverrides = {},
): { value: z.output<S>; where: (path: FieldPath) => string } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const pos = (offset: number) => {
    const { line, col } = lc.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => `${pos(e.pos[0])}: ${e.message.split('\n')[0]}`);
    throw new PithError('input', 'CONFIG_SYNTAX', lines.join('\n'), { details: { file } });
  }
  modesAsSourceText(doc, text);
  const given = overriddenKeys(overrides);
  const where = (path: FieldPath) =>
    typeof path[0] === 'string' && given.has(path[0])
      ? OVERRIDE_WHERE
      : pos(nodeAt(doc, path)?.range?.[0] ?? 0);
  const raw = withOverrides(toJS(doc, file), overrides);
  const keyAt = (path: FieldPath, key: string) => {
    const offset = given.has(String(path[0] ?? key)) ? undefined : keyOffset(doc, path, key);
    return offset === undefined ? where(path) : pos(offset);
  };
  return { value: validate(raw, file, where, keyAt, schema, code), where };
}

/**
 * Validates a config given as an object (a library caller's, or none at all with only overrides); `label`
 * names it in messages and relative paths resolve against `baseDir`.
 */
export function configFromObject(
  value: unknown,
  overrides: ConfigOverrides = {},
  opts: { label?: string; baseDir?: string } = {},
): LoadedConfig {
  const label = opts.label ?? '(config object)';
  const given = overriddenKeys(overrides);
  const where = (path: FieldPath) =>
    typeof path[0] === 'string' && given.has(path[0]) ? OVERRIDE_WHERE : label;
  const config = validate(withOverrides(structuredClone(value ?? {}), overrides), label, where, where);
  return { config, file: label, baseDir: resolve(opts.baseDir ?? process.cwd()), where };
}

/** The raw config with the overrides set over it (a non-object config is left for the schema to refuse). */
function withOverrides(raw: unknown, overrides: ConfigOverrides): unknown {
  const set = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length === 0 || typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return raw;
  return { ...raw, ...set };
}

function overriddenKeys(overrides: ConfigOverrides): Set<string> {
  return new Set(Object.entries(overrides).flatMap(([k, v]) => (v === undefined ? [] : [k])));
}

/**
 * The schema's verdict: the config, or one CONFIG_INVALID error with a line per problem; `details.field`
 * is the first problem's field path (`archs[0]`) and `details.fields` all of them.
 */
function validate<S extends z.ZodType = typeof configSchema>(
  raw: unknown,
  file: string,
  where: (p: FieldPath) => string,
  keyAt: (path: FieldPath, key: string) => string,
  schema: S = configSchema as unknown as S,
  code: 'CONFIG_INVALID' | 'TRIAGE_INVALID' | 'POLICY_INVALID' = 'CONFIG_INVALID',
): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((i) => issueProblems(i, where, keyAt));
  const message = problems.map((p) => p.line).join('\n');
  const options = {
    details: { file, field: problems[0]?.field, fields: problems.map((p) => p.field) },
  };
  if (code === 'TRIAGE_INVALID') throw new PithError('input', 'TRIAGE_INVALID', message, options);
  if (code === 'POLICY_INVALID') throw new PithError('input', 'POLICY_INVALID', message, options);
  throw new PithError('input', 'CONFIG_INVALID', message, options);
}

/** The document's data; yaml refuses aliases that expand too far (its maxAliasCount), as an alias bomb. */
function toJS(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (cause) {
    if (!(cause instanceof ReferenceError)) throw cause;
    const bomb = /excessive alias count/i.test(cause.message);
    const why = bomb
      ? `YAML aliases expand too far (more than ${MAX_ALIAS_COUNT} alias expansions); write the values out`
      : cause.message;
    throw new PithError('input', bomb ? 'CONFIG_ALIAS_BOMB' : 'CONFIG_SYNTAX', `${file}: ${why}`, {
      cause,
      details: { file },
    });
  }
}

/** Text of a field path: `files[2].mode`. */
export function fieldName(path: FieldPath): string {
  return (
    path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '') ||
    '(top level)'
  );
}

function issueProblems(
  issue: z.core.$ZodIssue,
  where: (p: FieldPath) => string,
  keyAt: (path: FieldPath, key: string) => string,
): { field: string; line: string }[] {
  const path = issue.path as (string | number)[];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => {
      const field = fieldName([...path, k]);
      return { field, line: `${keyAt(path, k)}: ${field}: unknown key${hintFor(k, path)}` };
    });
  }
  const field = fieldName(path);
  return [{ field, line: `${where(path)}: ${field}: ${issue.message}` }];
}

/**
 * YAML reads `mode: 0755` as the decimal number 755 (and a sha256 of digits only as a number); modes and
 * sha256s are read from their source text instead.
 */
function modesAsSourceText(doc: Document, text: string): void {
  visit(doc, {
    Pair(_, pair) {
      if (
        isScalar(pair.key) &&
        (pair.key.value === 'mode' || pair.key.value === 'sha256') &&
        isScalar(pair.value) &&
        typeof pair.value.value === 'number' &&
        pair.value.range
      ) {
        pair.value.value = text.slice(pair.value.range[0], pair.value.range[1]).trim();
      }
    },
  });
}

function nodeAt(doc: Document, path: FieldPath): Node | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (node && typeof node === 'object' && 'range' in (node as object)) return node as Node;
  }
  return doc.contents ?? undefined;
}

/** Source offset of a key inside the map at `path`. */
function keyOffset(doc: Document, path: FieldPath, key: string): number | undefined {
  const map = path.length ? doc.getIn(path, true) : doc.contents;
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
  return pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
}

const TOP_KEYS = Object.keys(configSchema.shape);
const ENTRY_KEYS = Object.keys(contentEntry.shape);

function hintFor(key: string, path: FieldPath): string {
  const known = path.length === 0 ? TOP_KEYS : path[0] === 'files' ? ENTRY_KEYS : [];
  const near = known.find((k) => k.toLowerCase() === key.toLowerCase() || editDistance(k, key) <= 2);
  return near ? ` (did you mean "${near}"?)` : '';
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return d[a.length]![b.length]!;
}
