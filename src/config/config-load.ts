// Loads pith.yaml: YAML syntax errors and schema errors alike come out as one clear message per problem
// with `file:line:col` and the field path (yaml's LineCounter maps every node back to its source).
import { dirname, join, resolve } from 'node:path';
import { type Document, isMap, isPair, isScalar, LineCounter, type Node, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { isPithError, PithError, readUserFile } from '../util/index.ts';
import { configSchema, type PithConfig } from './config-schema.ts';

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

/** Reads and validates a config file (a regular file of at most 4 MiB). */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  const bytes = await readUserFile(file, MAX_CONFIG_BYTES, 'config').catch((cause: unknown) => {
    if (!isPithError(cause)) throw cause;
    const hint =
      cause.code === 'EISDIR' ? `; name the config file in it (e.g. ${join(file, 'pith.yaml')})` : '';
    const code = cause.code === 'ENOENT' ? 'CONFIG_NOT_FOUND' : 'CONFIG_UNREADABLE';
    throw new PithError(cause.kind, code, `${cause.message}${hint}`, { cause, details: { file } });
  });
  return parseConfig(bytes.toString('utf8'), file);
}

/** Parses and validates config text; `file` names it in messages. */
export function parseConfig(text: string, file: string): LoadedConfig {
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
  const where = (path: FieldPath) => pos(nodeAt(doc, path)?.range?.[0] ?? 0);
  const raw = toJS(doc, file);
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.flatMap((i) => issueLines(i, doc, where, pos));
    throw new PithError('input', 'CONFIG_INVALID', lines.join('\n'), { details: { file } });
  }
  return { config: result.data, file, baseDir: dirname(resolve(file)), where };
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

function issueLines(
  issue: z.core.$ZodIssue,
  doc: Document,
  where: (p: FieldPath) => string,
  pos: (o: number) => string,
): string[] {
  const path = issue.path as (string | number)[];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => {
      const offset = keyOffset(doc, path, k);
      return `${offset === undefined ? where(path) : pos(offset)}: ${fieldName([...path, k])}: unknown key${hintFor(k, path)}`;
    });
  }
  return [`${where(path)}: ${fieldName(path)}: ${issue.message}`];
}

/** YAML reads `mode: 0755` as the decimal number 755; modes are read from their source text instead. */
function modesAsSourceText(doc: Document, text: string): void {
  visit(doc, {
    Pair(_, pair) {
      if (
        isScalar(pair.key) &&
        pair.key.value === 'mode' &&
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
const ENTRY_KEYS = ['src', 'dst', 'dir', 'symlink', 'target', 'mode', 'owner'];

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

/** A config given entirely on the command line (e.g. `pith build --preset base`). */
export function commandLineConfig(config: PithConfig): LoadedConfig {
  return { config, file: '(command line)', baseDir: process.cwd(), where: () => '(command line)' };
}
