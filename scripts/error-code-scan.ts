// Finds the error codes a source tree throws by reading it: every call that makes a PithError (directly, via
// a subclass or a helper) with a string-literal code, multi-line calls included, and the codes that helpers
// read from a table at run time. Compares them with the catalogs. Used by gen-error-codes.ts and its test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** One code thrown at one place. `kind` is undefined when the call computes it. */
export interface ThrowSite {
  code: string;
  kind: string | undefined;
  /** Path relative to the scanned root, with `/`. */
  file: string;
  line: number;
}

/** A call whose code is not written at the call: a re-raised error's `.code` or a typed variable. */
export interface VariableSite {
  file: string;
  line: number;
  expr: string;
}

export interface Scan {
  sites: ThrowSite[];
  variables: VariableSite[];
}

/** Where a call keeps its code and kind: an argument index, or a property of its first (object) argument. */
interface CallShape {
  callee: RegExp;
  code: number | 'property';
  /** The kind's argument index, the kind the helper always uses, or 'catalog' when it takes the catalog's. */
  kind: number | 'property' | 'catalog' | `=${string}`;
  /** The kind when that argument is left out. */
  defaultKind?: string;
}

const CALLS: CallShape[] = [
  { callee: /\bnew\s+PithError\s*(?:<[^>(]*>)?\s*\(/g, code: 1, kind: 0 },
  { callee: /\bnew\s+RegistryError\s*\(/g, code: 'property', kind: 'property' },
  // config/field-error.ts: fieldError(ctx, field, code, why, cause?, kind = 'input')
  { callee: /(?<!function\s+)\bfieldError\s*\(/g, code: 2, kind: 5, defaultKind: 'input' },
  // assemble/host-walk.ts: the walk's sink.fail(code, why) is a fieldError
  { callee: /\bsink\.fail\s*\(/g, code: 0, kind: '=input' },
  // deb-archive/deb-error.ts: debError(code, …) and inMember(err, where, member, fallbackCode)
  { callee: /(?<!function\s+)\bdebError\s*\(/g, code: 0, kind: '=invalid' },
  { callee: /(?<!function\s+)\binMember\s*\(/g, code: 3, kind: '=invalid' },
  // cli/output.ts: a command that printed its report and still fails
  { callee: /\bnew\s+ReportedFailure\s*\(/g, code: 'property', kind: 'property' },
];

/**
 * Codes made at run time from a table: the UPPER_CASE names (keys or string values) in a declaration. A
 * listed file must exist in the scanned tree and hold the declaration, so a rename cannot hide codes.
 */
export interface Producer {
  file: string;
  decl: string;
}

export const SRC_PRODUCERS: Producer[] = [
  // fromSystemError: the errno (and zlib) codes it maps keep their own name
  { file: 'util/error-codes.ts', decl: 'ERRNO_ERROR_CODES' },
  // RegistryError without a code: the distribution code the registry sent, else one for the status
  { file: 'io/error-codes.ts', decl: 'DISTRIBUTION_ERROR_CODES' },
  { file: 'io/registry/transport/errors.ts', decl: 'STATUS_CODE' },
  { file: 'io/registry/transport/errors.ts', decl: 'codeForStatus' },
];

/**
 * Variables that carry a code into a call (`file: expression` → why that is safe). A `.code` of a caught
 * error is a re-raise and needs no entry; any other variable must be listed here.
 */
export const SRC_CODE_VARIABLES = new Map([
  ['util/errors.ts: code', "errorFactory's parameter, typed by the module's catalog; call sites are scanned"],
  ['util/system-error.ts: code', 'typed UtilErrorCode; its literals are scanned, the errnos are a producer'],
  ['config/field-error.ts: code', "fieldError's parameter; its call sites are scanned"],
  ['deb-archive/deb-error.ts: code', "debError's parameter (typed DebArchiveErrorCode) or a re-raised code"],
  ['assemble/host-files.ts: code', "the walk's sink.fail(code), whose call sites are scanned"],
  ['assemble/app-files.ts: code', "the walk's sink.fail(code), whose call sites are scanned"],
]);

const CODE_LITERAL = /^(['"])([A-Z][A-Z0-9_]*)\1$/;
const STRING_LITERAL = /(['"])([A-Za-z0-9_.]*)\1/g;

/** The source with comments blanked out (strings, template literals and line numbers kept). */
export function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      const stop = end === -1 ? src.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end === -1 ? src.length : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      const stop = skipString(src, i);
      out += src.slice(i, stop);
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The index just past the string or template literal starting at `i`. */
function skipString(src: string, i: number): number {
  const quote = src[i];
  let j = i + 1;
  while (j < src.length && src[j] !== quote) {
    if (src[j] === '\\') j += 2;
    else if (quote === '`' && src[j] === '$' && src[j + 1] === '{') j = skipBalanced(src, j + 1) + 1;
    else j++;
  }
  return j + 1;
}

/** The index of the bracket closing the one at `open`, skipping strings. */
function skipBalanced(src: string, open: number): number {
  let depth = 0;
  for (let j = open; j < src.length; j++) {
    const c = src[j]!;
    if (c === "'" || c === '"' || c === '`') j = skipString(src, j) - 1;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return j;
    }
  }
  return src.length;
}

/** The top-level comma-separated parts of `src[from, to)`, trimmed. */
function splitTopLevel(src: string, from: number, to: number): string[] {
  const parts: string[] = [];
  let start = from;
  for (let j = from; j < to; j++) {
    const c = src[j]!;
    if (c === "'" || c === '"' || c === '`') j = skipString(src, j) - 1;
    else if (c === '(' || c === '[' || c === '{') j = skipBalanced(src, j);
    else if (c === ',') {
      parts.push(src.slice(start, j).trim());
      start = j + 1;
    }
  }
  const last = src.slice(start, to).trim();
  if (last) parts.push(last);
  return parts;
}

/** The value of property `name` in an object literal `{ … }`, if written there. */
function property(obj: string, name: string): string | undefined {
  if (!obj.startsWith('{')) return undefined;
  for (const part of splitTopLevel(obj, 1, obj.length - 1)) {
    const m = /^(\w+)\s*(?::\s*([\s\S]*))?$/.exec(part);
    if (m?.[1] === name) return m[2] ?? name;
  }
  return undefined;
}

/** The UPPER_CASE string literals an expression can evaluate to (`'A'`, `x === 'Y' ? 'A' : 'B'`). */
function codeLiterals(expr: string): string[] {
  const branches = expr.slice(topLevelQuestion(expr) + 1);
  return [...branches.matchAll(STRING_LITERAL)]
    .map((m) => m[0])
    .filter((s) => CODE_LITERAL.test(s))
    .map((s) => s.slice(1, -1));
}

/** The index of a conditional's `?` at the top level of `expr` (not `?.` or `??`), else -1. */
function topLevelQuestion(expr: string): number {
  for (let j = 0; j < expr.length; j++) {
    const c = expr[j]!;
    if (c === "'" || c === '"' || c === '`') j = skipString(expr, j) - 1;
    else if (c === '(' || c === '[' || c === '{') j = skipBalanced(expr, j);
    else if (c === '?') {
      if (expr[j + 1] === '?' || expr[j + 1] === '.') j++;
      else return j;
    }
  }
  return -1;
}

/**
 * The initializer of the nearest `const NAME =` before `at` whose block is still open there, up to the end
 * of its statement (so a local `const code = x ? 'A' : 'B'` passes its literals on).
 */
function initializer(src: string, name: string, at: number): string | undefined {
  const decls = [...src.slice(0, at).matchAll(new RegExp(`\\b(?:const|let)\\s+${name}\\b[^=;]*=`, 'g'))];
  const decl = decls.at(-1);
  if (!decl || !inScope(src, decl.index, at)) return undefined;
  const from = decl.index + decl[0].length;
  let j = from;
  while (j < src.length && src[j] !== ';') {
    const c = src[j]!;
    if (c === "'" || c === '"' || c === '`') j = skipString(src, j);
    else if (c === '(' || c === '[' || c === '{') j = skipBalanced(src, j) + 1;
    else j++;
  }
  return src.slice(from, j);
}

/** True when the block open at `from` is still open at `to` (no more closing than opening braces). */
function inScope(src: string, from: number, to: number): boolean {
  let depth = 0;
  for (let j = from; j < to; j++) {
    const c = src[j]!;
    if (c === "'" || c === '"' || c === '`') j = skipString(src, j) - 1;
    else if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return false;
  }
  return true;
}

/** The kind an argument says, when it is one literal. */
function literalKind(expr: string | undefined): string | undefined {
  const m = expr === undefined ? null : /^(['"])([a-z]+)\1$/.exec(expr);
  return m?.[2];
}

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

const lineAt = (src: string, at: number) => src.slice(0, at).split('\n').length;

/** The names bound to `errorFactory(…)` in a file (tarError, ioError…). */
function factoryNames(src: string): string[] {
  return [...stripComments(src).matchAll(/\bconst\s+(\w+)\s*=\s*errorFactory\s*\(/g)].map((m) => m[1]!);
}

/**
 * Every call site in `text` (one file) that throws a code. `factories` are the names of module error
 * factories (`const tarError = errorFactory(TAR_ERROR_CODES)`), whose kind is the catalog's by construction.
 */
export function scanSource(text: string, file: string, factories: readonly string[] = []): Scan {
  const src = stripComments(text);
  const sites: ThrowSite[] = [];
  const variables: VariableSite[] = [];
  const made: CallShape[] = factories.map((f) => ({
    callee: new RegExp(`(?<![\\w.])${f}\\s*\\(`, 'g'),
    code: 0,
    kind: 'catalog',
  }));
  for (const shape of [...CALLS, ...made]) {
    for (const m of src.matchAll(shape.callee)) {
      const open = m.index + m[0].length - 1;
      const args = splitTopLevel(src, open + 1, skipBalanced(src, open));
      const line = lineAt(src, m.index);
      const codeExpr = shape.code === 'property' ? property(args[0] ?? '', 'code') : args[shape.code];
      if (codeExpr === undefined) continue; // the call computes its code (a producer lists those)
      let kind: string | undefined;
      if (shape.kind === 'property') kind = literalKind(property(args[0] ?? '', 'kind'));
      else if (typeof shape.kind === 'number') {
        const arg = args[shape.kind];
        kind = arg === undefined ? shape.defaultKind : literalKind(arg);
      } else kind = shape.kind === 'catalog' ? undefined : shape.kind.slice(1);
      let codes = codeLiterals(codeExpr);
      const name = /^[A-Za-z_$][\w$]*/.exec(codeExpr)?.[0];
      if (!codes.length && name && !codeExpr.endsWith('.code'))
        codes = codeLiterals(initializer(src, name, m.index) ?? '');
      if (!codes.length) variables.push({ file, line, expr: codeExpr.replace(/\s+/g, ' ') });
      for (const code of codes) sites.push({ code, kind, file, line });
    }
  }
  sites.sort((a, b) => a.line - b.line);
  return { sites, variables };
}

/** The codes a producer's declaration names: UPPER_CASE keys and string values. */
function producedCodes(src: string, p: Producer): ThrowSite[] {
  const text = stripComments(src);
  const decl = new RegExp(`\\b(?:const|function)\\s+${p.decl}\\b`).exec(text);
  if (!decl) throw new Error(`${p.file}: no declaration ${p.decl} (listed as a code producer)`);
  const open = text.indexOf('{', decl.index);
  const body = text.slice(open, skipBalanced(text, open) + 1);
  const line = lineAt(text, decl.index);
  const keys = [...body.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*:/gm)].map((k) => k[1]!);
  return [...new Set([...keys, ...codeLiterals(body)])].map((code) => ({
    code,
    kind: undefined,
    file: p.file,
    line,
  }));
}

/** Scans every .ts file under `root` (paths in results are relative to it). */
export function scanTree(root: string, producers: Producer[], skip: string[] = []): Scan {
  const sites: ThrowSite[] = [];
  const variables: VariableSite[] = [];
  const files = [...tsFiles(root)]
    .map((path) => ({ file: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') }))
    .filter(({ file }) => !skip.some((s) => file.startsWith(s)));
  const factories = files.flatMap(({ text }) => factoryNames(text));
  for (const { file, text } of files) {
    const found = scanSource(text, file, factories);
    sites.push(...found.sites);
    variables.push(...found.variables);
  }
  for (const p of producers) sites.push(...producedCodes(readFileSync(join(root, p.file), 'utf8'), p));
  return { sites, variables };
}

/** The catalog entry the comparison needs. */
export interface CatalogEntry {
  kind: string;
}

/** What is wrong between the codes thrown and the catalog, one message per problem. */
export interface Mismatch {
  /** Thrown but in no catalog. */
  uncatalogued: string[];
  /** In a catalog but thrown nowhere. */
  unused: string[];
  /** Thrown with a literal kind other than the catalog's. */
  wrongKind: string[];
  /** Passed through a variable that is not a re-raise and not listed in SRC_CODE_VARIABLES. */
  unlistedVariables: string[];
}

export function compare(
  scan: Scan,
  catalog: Record<string, CatalogEntry>,
  variables: ReadonlyMap<string, string>,
): Mismatch {
  const out: Mismatch = { uncatalogued: [], unused: [], wrongKind: [], unlistedVariables: [] };
  const thrown = new Set<string>();
  for (const s of scan.sites) {
    thrown.add(s.code);
    const entry = catalog[s.code];
    if (!entry) out.uncatalogued.push(`${s.file}:${s.line}: ${s.code} is thrown but in no error-codes.ts`);
    else if (s.kind !== undefined && s.kind !== entry.kind)
      out.wrongKind.push(
        `${s.file}:${s.line}: ${s.code} is thrown as ${s.kind}, catalogued as ${entry.kind}`,
      );
  }
  for (const code of Object.keys(catalog)) {
    if (!thrown.has(code)) out.unused.push(`${code} is catalogued but never thrown`);
  }
  for (const v of scan.variables) {
    if (!v.expr.endsWith('.code') && !variables.has(`${v.file}: ${v.expr}`))
      out.unlistedVariables.push(
        `${v.file}:${v.line}: code passed as "${v.expr}": write it as a literal, or type it with the module's code union and list it in scripts/error-code-scan.ts`,
      );
  }
  return out;
}
