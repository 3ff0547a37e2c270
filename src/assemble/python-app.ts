// A Python app over Debian's CPython (preset python3), in two layers as Jib lays out an app: its
// dependencies (a venv's site-packages or a pip install --target directory, python-site.ts) and its own
// files (minus __pycache__, .venv, .git and the .dockerignore / .pithignore patterns), so that editing the
// app rebuilds one small layer.
//
// The dependencies go to /usr/local/lib/python3.X/dist-packages, the directory Debian's CPython reserves
// for packages not installed by dpkg (where `pip install` as root puts them; site.py adds it to sys.path
// once it exists), not to a directory named by PYTHONPATH: PYTHONPATH entries come before the standard
// library (a dependency could shadow a stdlib module), are ignored under -E and -I and by subprocesses
// started with a clean environment, and their .pth files are never processed (namespace packages and
// setuptools' hooks rely on them). A site directory has none of these problems and needs no setting.
//
// Bytecode: the app's own __pycache__ stays out, as do pycs of the dependencies for another Python; the
// dependencies' pycs for the image's Python are kept with reproducible headers (python-pyc.ts), and the
// image sets PYTHONDONTWRITEBYTECODE=1 so that the app's modules, compiled in memory at start, are not
// written into the container's writable layer (nor attempted, for a user who may not write /app).
// Compiled modules must fit the image's CPython, architecture and glibc (python-extensions.ts).
import { basename, relative, sep } from 'node:path';
import type { Arch, FieldPath, LoadedConfig } from '../config/index.ts';
import { DEFAULT_SUITE, fieldError } from '../config/index.ts';
import { type BuiltLayer, type LayerOptions, layerFromEntries } from '../layer/index.ts';
import type { LayerCache } from '../rootfs/index.ts';
import { FileTree, type TreeNode } from '../tar/index.ts';
import { PithError, readAll } from '../util/index.ts';
import { appFilesTree, fieldWalk } from './app-files.ts';
import { DEFAULT_APP_DIR } from './node-app.ts';
import { extensionProblem, type PythonAbi } from './python-extensions.ts';
import { PYC_HEADER_BYTES, pycMagic, pycSource, sourceHash, uncheckedHashPyc } from './python-pyc.ts';
import { type HostSite, resolveIn, targetSite, venvSite } from './python-site.ts';

export interface PythonApp {
  /** The dependencies (absent when the config names neither venv nor pipTarget). */
  deps?: BuiltLayer;
  app: BuiltLayer;
  /** Both trees, for the entrypoint check. */
  trees: FileTree[];
  /** The image's CPython 3.X. */
  minor: number;
  /** Where the app lives in the image. */
  dir: string;
  env: Record<string, string>;
}

const FIELD: FieldPath = ['app', 'python'];

/** The scripts tried, in order, when the config names no `main`. */
export const PYTHON_MAINS = ['__main__.py', 'main.py', 'app.py'];

/** What stays out of the app layer besides .git, node_modules and the ignore files' patterns. */
const PYTHON_IGNORES = ['**/__pycache__', '.venv'];

/** Python's default of each suite (Debian's python3 package depends on it). */
const SUITE_PYTHON: Record<string, number> = { trixie: 13, bookworm: 11 };

/** The layers of the config's Python app for one architecture. */
export async function pythonAppLayers(
  loaded: LoadedConfig,
  arch: Arch,
  layerOpts: LayerOptions,
  cache: LayerCache,
): Promise<PythonApp> {
  const app = loaded.config.app!;
  const abi: PythonAbi = { minor: imagePythonMinor(loaded), arch };
  const dst = (app.dst ?? DEFAULT_APP_DIR).replace(/^\/+/, '').replace(/\/+$/, '');
  const { host, stats } = await resolveIn(loaded, app.python!, FIELD);
  if (!stats.isDirectory())
    throw fieldError(loaded, FIELD, 'APP_NOT_A_DIRECTORY', `${host} is not a directory`);
  const project = host.toString();
  const site = app.venv
    ? await venvSite(loaded, app.venv, abi.minor)
    : app.pipTarget
      ? await targetSite(loaded, app.pipTarget)
      : undefined;
  const deps = site ? await depsLayer(loaded, site, abi, layerOpts, cache) : undefined;
  const appTree = await appFilesTree(loaded, FIELD, project, dst, arch, [
    ...PYTHON_IGNORES,
    ...(site ? inside(project, site.root.toString()) : []),
  ]);
  const key = `python-app:${project}`;
  let appLayer = cache.get(key);
  if (!appLayer) {
    appLayer = layerFromEntries(appTree.entries(), {
      ...layerOpts,
      createdBy: `pith: Python app (${app.python})`,
      slot: `python-app ${basename(project)}`,
    });
    cache.set(key, appLayer);
  }
  return {
    ...(deps ? { deps: await deps.layer } : {}),
    app: await appLayer,
    trees: [...(deps ? [deps.tree] : []), appTree],
    minor: abi.minor,
    dir: `/${dst}`,
    env: { PYTHONDONTWRITEBYTECODE: '1' },
  };
}

/** The entrypoint of a Python app image: the image's CPython and the app's script (absolute paths). */
export function pythonEntrypoint(loaded: LoadedConfig, app: PythonApp): string[] {
  const tree = app.trees.at(-1)!;
  return [pythonBin(app.minor), `${app.dir}/${mainScript(loaded, tree, app.dir.slice(1))}`];
}

/** Where Debian's CPython 3.`minor` is in the image. */
export function pythonBin(minor: number): string {
  return `/usr/bin/python3.${minor}`;
}

/** Where the dependencies go: the site directory Debian's CPython keeps for packages dpkg did not install. */
export function sitePackagesDir(minor: number): string {
  return `/usr/local/lib/python3.${minor}/dist-packages`;
}

/**
 * The minor version of the image's CPython, from the Debian packages the config (with its preset)
 * installs: python3.X, python3.X-minimal, libpython3.X-minimal or -stdlib, else the suite's default when
 * it installs python3 or python3-minimal.
 */
export function imagePythonMinor(loaded: LoadedConfig): number {
  const packages = [...(loaded.config.exactPackages ?? []), ...(loaded.config.packages ?? [])];
  const named = new Set<number>();
  for (const p of packages) {
    const m = /^(?:lib)?python3\.(\d+)(?:-minimal|-stdlib)?(?=$|[\s(:])/.exec(p);
    if (m) named.add(Number(m[1]));
  }
  if (named.size > 1)
    throw fieldError(
      loaded,
      ['packages'],
      'NO_IMAGE_PYTHON',
      `installs more than one Python (3.${[...named].join(', 3.')}): app.python needs to know which one runs it`,
    );
  const [minor] = named;
  if (minor !== undefined) return minor;
  const suite = loaded.config.suite ?? DEFAULT_SUITE;
  if (packages.some((p) => /^python3(-minimal)?(?=$|[\s(:])/.test(p)) && SUITE_PYTHON[suite] !== undefined)
    return SUITE_PYTHON[suite];
  throw fieldError(
    loaded,
    FIELD,
    'NO_IMAGE_PYTHON',
    "needs Debian's CPython in the image: use preset: python3, or list python3.X-minimal (with its libraries) in packages",
  );
}

/** The script to run: `main`, or the first of PYTHON_MAINS among the app's files. */
function mainScript(loaded: LoadedConfig, tree: FileTree, dst: string): string {
  const main = loaded.config.app!.main;
  if (main !== undefined) {
    const rel = main.replace(/^\.\//, '');
    if (tree.get(`${dst}/${rel}`)?.type !== 'file')
      throw fieldError(
        loaded,
        ['app', 'main'],
        'ENTRYPOINT_MISSING',
        `${main} is not a file among the app's files (is it excluded by .dockerignore or .pithignore?)`,
      );
    return rel;
  }
  const found = PYTHON_MAINS.find((m) => tree.get(`${dst}/${m}`)?.type === 'file');
  if (found) return found;
  throw new PithError(
    'input',
    'NO_ENTRYPOINT',
    `${loaded.where(FIELD)}: the app has none of ${PYTHON_MAINS.join(', ')}; name its script with app.main, or set entrypoint in the config`,
  );
}

/** The dependencies' layer: site-packages under the image's dist-packages, cached per source. */
async function depsLayer(
  loaded: LoadedConfig,
  site: HostSite,
  abi: PythonAbi,
  layerOpts: LayerOptions,
  cache: LayerCache,
): Promise<{ tree: FileTree; layer: Promise<BuiltLayer> }> {
  const tree = await siteTree(loaded, site, abi);
  const key = `python-deps:${site.host.toString()}`;
  let layer = cache.get(key);
  if (!layer) {
    layer = layerFromEntries(tree.entries(), {
      ...layerOpts,
      createdBy: `pith: Python packages (${site.src}) in ${sitePackagesDir(abi.minor)}`,
    });
    cache.set(key, layer);
  }
  return { tree, layer };
}

/** site-packages as it goes into the image: left-out names, foreign pycs and __pycache__ dirs dropped. */
async function siteTree(loaded: LoadedConfig, site: HostSite, abi: PythonAbi): Promise<FileTree> {
  const field = site.field;
  const staged = new Map<string, TreeNode>();
  const dst = sitePackagesDir(abi.minor).slice(1);
  fieldWalk(loaded, field, (p, node) => staged.set(p, node), {
    arch: abi.arch,
    exclude: { ignores: (rel) => site.leaveOut.has(rel), prunable: true },
  }).directory(site.host, dst, site.stats);
  const tree = new FileTree();
  for (const [path, node] of staged) {
    // a __pycache__ directory comes back (implicitly) with the first pyc kept in it
    if (node.type === 'dir' && path.endsWith('/__pycache__')) continue;
    const cached = pycSource(path);
    if (cached) {
      const kept = await reproduciblePyc(path, node, staged.get(cached.source), cached.tag, abi.minor);
      if (kept) tree.add(path, kept);
      continue;
    }
    if (node.type === 'file' && path.endsWith('.so') && node.content) {
      const why = extensionProblem(path, await readAll(node.content()), abi);
      if (why)
        throw fieldError(
          loaded,
          field,
          'PYTHON_EXTENSION_MISMATCH',
          `${site.host}/${path.slice(dst.length + 1)} ${why}`,
        );
    }
    tree.add(path, node);
  }
  return tree;
}

/**
 * A dependency's cached pyc with an unchecked-hash header, or undefined when the image's CPython would
 * not load it: another cache tag or magic number, or no source beside it.
 */
async function reproduciblePyc(
  path: string,
  node: TreeNode,
  source: TreeNode | undefined,
  tag: string,
  minor: number,
): Promise<TreeNode | undefined> {
  const magic = pycMagic(minor);
  const pyc = node.content;
  const py = source?.content;
  if (!magic || tag !== `cpython-3${minor}` || node.type !== 'file' || !pyc || source?.type !== 'file' || !py)
    return undefined;
  if (node.size < PYC_HEADER_BYTES) return undefined;
  const header = await head(pyc(), PYC_HEADER_BYTES);
  if (!header.subarray(0, 4).equals(magic) || !(await matchesSource(header, magic, source))) return undefined;
  return {
    ...node,
    content: async function* () {
      const bytes = await readAll(pyc());
      if (!bytes.subarray(0, 4).equals(magic))
        throw new PithError('input', 'SOURCE_CHANGED', `/${path} changed while the image was built`);
      yield uncheckedHashPyc(bytes, magic, await readAll(py()));
    },
  };
}

/**
 * Whether a pyc was compiled from the source beside it, as CPython would check before using it: a
 * timestamp pyc's source mtime and size, a hash-based pyc's source hash. A stale one is left out (CPython
 * would have recompiled it; an unchecked-hash header would make it run the old code for good).
 */
async function matchesSource(header: Buffer, magic: Buffer, source: TreeNode): Promise<boolean> {
  const flags = header.readUInt32LE(4);
  if (flags === 0)
    return (
      header.readUInt32LE(8) === source.mtime % 2 ** 32 && header.readUInt32LE(12) === source.size % 2 ** 32
    );
  if ((flags & 1) === 0 || !source.content) return false;
  return header.subarray(8, 16).equals(sourceHash(magic, await readAll(source.content())));
}

/** The first `n` bytes of a stream (fewer if it is shorter); the rest is not read. */
async function head(chunks: AsyncIterable<Buffer>, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  for await (const c of chunks) {
    parts.push(c);
    have += c.length;
    if (have >= n) break;
  }
  return Buffer.concat(parts).subarray(0, n);
}

/** A dependency directory inside the app directory, as an ignore pattern (it has its own layer). */
function inside(project: string, dir: string): string[] {
  const rel = relative(project, dir);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return [];
  return [rel.split(sep).join('/')];
}
