// Checks the architecture in CI: which module under src/ may import which (model in the middle, I/O at
// the edges), that other modules are reached only through their index.ts, which modules may use npm
// packages at all (util, oci, tar: Node built-ins only), and that no files import each other in a cycle.
// Usage: node scripts/check-imports.ts [root]  (root defaults to src/). Exits 1 listing every violation.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** module → modules it may import. */
const ALLOWED: Record<string, string[]> = {
  util: [],
  compress: ['util'],
  tar: ['util'],
  oci: ['util', 'compress'],
  'apt-repo': ['util', 'compress'],
  'deb-archive': ['tar', 'compress', 'util'],
  layer: ['oci', 'tar', 'compress', 'util'],
  io: ['oci', 'tar', 'compress', 'util'],
  config: ['oci', 'util'],
  inventory: ['apt-repo', 'zip', 'oci', 'tar', 'compress', 'util'],
  sbom: ['inventory', 'oci', 'util'],
  audit: ['inventory', 'oci', 'vuln', 'util'],
  report: ['audit', 'util'],
  policy: ['audit', 'vuln', 'sign', 'util'],
  lint: ['audit', 'policy', 'sign', 'util'],
  zip: ['util'],
  vuln: ['sbom', 'zip', 'apt-repo', 'util'],
  lockfile: ['config', 'apt-repo', 'util'],
  node: ['config', 'lockfile', 'apt-repo', 'tar', 'compress', 'util'],
  rootfs: ['config', 'lockfile', 'apt-repo', 'deb-archive', 'layer', 'tar', 'compress', 'util'],
  assemble: [
    'node',
    'zip',
    'config',
    'lockfile',
    'rootfs',
    'apt-repo',
    'deb-archive',
    'oci',
    'tar',
    'layer',
    'compress',
    'util',
  ],
  api: [
    'sign',
    'node',
    'audit',
    'lint',
    'policy',
    'report',
    'assemble',
    'vuln',
    'zip',
    'inventory',
    'sbom',
    'config',
    'lockfile',
    'rootfs',
    'io',
    'pin',
    'apt-repo',
    'deb-archive',
    'oci',
    'layer',
    'tar',
    'compress',
    'util',
  ],
  cli: ['api', 'util'],
  testing: ['apt-repo', 'deb-archive', 'tar', 'compress', 'util'],
  pin: ['oci', 'util'],
  sign: ['oci', 'util'],
};
// compress may use its decoders (xz-decompress); the model and codecs below it use Node built-ins only.
const NO_PACKAGES = new Set(['util', 'oci', 'tar']);

/**
 * Light entries: what may be loaded without loading the rest of its module, so that `pith --help` or a
 * usage error does not load the whole library (the CLI's start-up is most of a short command's time).
 * Another module may import these files directly; at run time (type-only imports aside) they import only
 * Node built-ins, util/index.ts and other light entries. api's index.ts is light: its verbs load their
 * modules when called. Every module's error-codes.ts is light.
 */
const LIGHT: Record<string, string[]> = {
  api: ['index.ts', 'pith.ts', 'context.ts', 'error-codes.ts', 'html.ts', 'scan-findings.ts'],
  audit: ['compared-image.ts', 'rules.ts', 'sarif.ts', 'secret-rules.ts', 'types.ts'],
  config: ['constants.ts'],
  io: ['registry/auth/auth-paths.ts', 'registry/transport/errors.ts'],
  policy: ['sarif.ts'],
  lint: ['rules.ts', 'sarif.ts'],
  vuln: ['types.ts'],
};

// `import … from`, `export … from`, `import 'x'` (side effects) and `import('x')`. Type-only imports
// count: a cycle of types is still a cycle for whoever reads the code.
// Static imports that load code at run time (not `import type` / `export type`), for the light-entry rule.
const RUNTIME_RE =
  /(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;
const IMPORT_RE =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

/** Import specifiers of a file, in source order. */
function specifiers(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** Static imports of a file that load code at run time. */
function runtimeSpecifiers(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(RUNTIME_RE)].map((m) => m[1] ?? m[2] ?? '');
}

/** The file a relative specifier names (`./a.ts`, `./a`, `./dir`), if it exists. */
function resolveFile(from: string, spec: string): string {
  const target = resolve(dirname(from), spec);
  for (const p of [target, `${target}.ts`, join(target, 'index.ts')])
    if (existsSync(p) && statSync(p).isFile()) return p;
  return target;
}

/** The direction and surface rules; returns the problems and the file → imported files graph. */
function checkDirections(root: string, show: (f: string) => string) {
  const moduleOf = (file: string) => relative(root, file).split(sep)[0] ?? '';
  const problems: string[] = [];
  const graph = new Map<string, string[]>();
  for (const file of files(root)) {
    const from = moduleOf(file);
    const allowed = ALLOWED[from];
    const rel = show(file);
    const edges: string[] = [];
    graph.set(file, edges);
    if (!allowed) {
      problems.push(
        `${rel}: module "${from}" is not in scripts/check-imports.ts; add it with its allowed imports`,
      );
      continue;
    }
    for (const spec of specifiers(file)) {
      if (spec.startsWith('node:')) continue;
      if (!spec.startsWith('.')) {
        if (NO_PACKAGES.has(from))
          problems.push(`${rel}: imports package "${spec}"; module ${from} may use Node built-ins only`);
        continue;
      }
      const target = resolveFile(file, spec);
      edges.push(target);
      const to = moduleOf(target);
      const isIndex = relative(join(root, to), target) === 'index.ts';
      if (to === from) {
        if (isIndex && target !== file)
          problems.push(
            `${rel}: imports its own module's index (${spec}); import the file that defines it instead`,
          );
      } else if (!allowed.includes(to))
        problems.push(`${rel}: module ${from} may not import module ${to} ("${spec}")`);
      else if (!isIndex && !isLight(root, target))
        problems.push(`${rel}: imports ${spec}; use the module's public surface ${to}/index.ts`);
    }
    if (isLight(root, file))
      for (const spec of runtimeSpecifiers(file)) {
        if (spec.startsWith('node:')) continue;
        const target = spec.startsWith('.') ? resolveFile(file, spec) : '';
        if (target === join(root, 'util', 'index.ts') || (target && isLight(root, target))) continue;
        problems.push(
          `${rel}: a light entry, loads ${spec} at run time; import only light entries (or use import())`,
        );
      }
  }
  return { problems, graph };
}

/** Whether `file` is a light entry (see LIGHT). */
function isLight(root: string, file: string): boolean {
  const [mod = '', ...rest] = relative(root, file).split(sep);
  const path = rest.join('/');
  return path === 'error-codes.ts' || (LIGHT[mod] ?? []).includes(path);
}

/** Strongly connected components with a cycle in them (Tarjan), each sorted, in a stable order. */
function cyclicComponents(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
      onStack.delete(w);
      scc.push(w);
    }
    if (scc.length > 1 || graph.get(v)?.includes(v)) out.push(scc.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** A shortest cycle through `start` inside its component: start → … → start. */
function cycleThrough(start: string, scc: Set<string>, graph: Map<string, string[]>): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of graph.get(v) ?? []) {
      if (!scc.has(w)) continue;
      if (w === start) {
        const back: string[] = [];
        for (let at = v; at !== start; at = prev.get(at)!) back.push(at);
        return [start, ...back.reverse(), start];
      }
      if (!prev.has(w) && w !== start) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

function main(): void {
  const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'src'));
  const show = (f: string) => relative(dirname(root), f).split(sep).join('/');
  const { problems, graph } = checkDirections(root, show);
  for (const scc of cyclicComponents(graph)) {
    const cycle = cycleThrough(scc[0]!, new Set(scc), graph);
    problems.push(`import cycle: ${cycle.map(show).join(' → ')}`);
  }
  if (problems.length) {
    process.stderr.write(`import check failed:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`import check: ok (${Object.keys(ALLOWED).length} modules, no cycles)\n`);
}

main();
