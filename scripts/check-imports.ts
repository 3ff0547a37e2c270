// Checks the architecture in CI: which module under src/ may import which (model in the middle, I/O at
// the edges), that other modules are reached only through their index.ts, and which modules may use
// npm packages at all (util, oci, tar: Node built-ins only). Exits 1 listing every violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
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
  lockfile: ['config', 'apt-repo', 'util'],
  rootfs: ['config', 'lockfile', 'apt-repo', 'deb-archive', 'layer', 'tar', 'compress', 'util'],
  assemble: [
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
    'assemble',
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
};
// compress may use its decoders (xz-decompress); the model and codecs below it use Node built-ins only.
const NO_PACKAGES = new Set(['util', 'oci', 'tar']);

const root = resolve(import.meta.dirname, '..', 'src');
const IMPORT_RE =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

const moduleOf = (file: string) => relative(root, file).split(sep)[0] ?? '';
const problems: string[] = [];
for (const file of files(root)) {
  const from = moduleOf(file);
  const allowed = ALLOWED[from];
  const rel = relative(resolve(root, '..'), file);
  if (!allowed) {
    problems.push(
      `${rel}: module "${from}" is not in scripts/check-imports.ts; add it with its allowed imports`,
    );
    continue;
  }
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? '';
    if (spec.startsWith('node:')) continue;
    if (!spec.startsWith('.')) {
      if (NO_PACKAGES.has(from))
        problems.push(`${rel}: imports package "${spec}"; module ${from} may use Node built-ins only`);
      continue;
    }
    const target = resolve(dirname(file), spec);
    const to = moduleOf(target);
    if (to === from) continue;
    if (!allowed.includes(to))
      problems.push(`${rel}: module ${from} may not import module ${to} ("${spec}")`);
    else if (relative(join(root, to), target) !== 'index.ts')
      problems.push(`${rel}: imports ${spec}; use the module's public surface ${to}/index.ts`);
  }
}
if (problems.length) {
  process.stderr.write(`import direction check failed:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`import direction check: ok (${Object.keys(ALLOWED).length} modules)\n`);
