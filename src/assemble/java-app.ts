// A Java application in Jib's layers (briefs/builders.md §3), least to most often changed, so that a
// rebuild after editing the code changes only the top layer and leaves the JRE and dependency layers
// byte-identical. Two kinds, as Jib has them:
// - exploded (app.classes, with app.lib and app.resources): release dependency jars of lib/ in /app/libs,
//   then the *-SNAPSHOT jars, then resources in /app/resources, then classes in /app/classes; run as
//   `java -cp /app/resources:/app/classes:/app/libs/* MAIN` (app.mainClass);
// - packaged (app.jar): the jars its manifest's Class-Path names (relative to the jar), release then
//   snapshot, at the same relative paths under /app, then the jar itself as /app/app.jar; run as
//   `java -jar /app/app.jar` when its manifest has a Main-Class, else `java -cp /app/app.jar MAIN`.
// The main class must be among the app's classes (or its jars'), so a typo fails the build, not the start.
import type { Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Arch, FieldPath, LoadedConfig } from '../config/index.ts';
import { fieldError, fieldSystemError } from '../config/index.ts';
import { type BuiltLayer, type LayerOptions, layerFromEntries } from '../layer/index.ts';
import type { LayerCache } from '../rootfs/index.ts';
import { FileTree } from '../tar/index.ts';
import { isPithError } from '../util/index.ts';
import { JAR_MANIFEST, manifestMainAttributes, type ZipLimits, zipEntries } from '../zip/index.ts';
import { fieldWalk } from './app-files.ts';
import { contextDir, resolveSource } from './build-context.ts';
import type { HostWalk } from './host-walk.ts';
import { DEFAULT_APP_DIR } from './node-app.ts';

/** The java a Java preset links (update-alternatives' /usr/bin/java). */
export const JAVA_BIN = '/usr/bin/java';
/** Where app.jar goes under the app directory. */
export const APP_JAR = 'app.jar';

export interface JavaApp {
  /** The app's layers in Jib's order (empty parts left out). */
  layers: BuiltLayer[];
  trees: FileTree[];
  /** How the image runs it; absent when the config names its own entrypoint. */
  entrypoint?: string[];
  /** Where the app lives in the image. */
  dir: string;
}

interface Part {
  tree: FileTree;
  key: string;
  createdBy: string;
}

interface Ctx {
  loaded: LoadedConfig;
  arch: Arch;
  /** The app directory in the image, without slashes around it. */
  dst: string;
}

const LIMITS: ZipLimits = { entries: 500_000, entryBytes: 8 << 20, totalBytes: 8 << 20 };
const JAVA_NAME = /^[\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*$/u;

/** The layers and command of the config's Java app. */
export async function javaAppLayers(
  loaded: LoadedConfig,
  arch: Arch,
  layerOpts: LayerOptions,
  cache: LayerCache,
  opts: { ownEntrypoint?: boolean },
): Promise<JavaApp> {
  const app = loaded.config.app!;
  const dir = app.dst ?? DEFAULT_APP_DIR;
  const ctx: Ctx = { loaded, arch, dst: dir.replace(/^\/+/, '').replace(/\/+$/, '') };
  const { parts, entrypoint } =
    app.jar !== undefined ? await packaged(ctx, opts) : await exploded(ctx, dir, opts);
  const kept = parts.filter((p) => p.tree.size > 0);
  const layers: BuiltLayer[] = [];
  for (const part of kept) {
    let layer = cache.get(part.key);
    if (!layer) {
      layer = layerFromEntries(part.tree.entries(), {
        ...layerOpts,
        createdBy: part.createdBy,
        slot: part.createdBy,
      });
      cache.set(part.key, layer);
    }
    layers.push(await layer);
  }
  return { layers, trees: kept.map((p) => p.tree), ...(entrypoint ? { entrypoint } : {}), dir };
}

/** app.jar: its Class-Path jars, then the jar. */
async function packaged(
  ctx: Ctx,
  opts: { ownEntrypoint?: boolean },
): Promise<{ parts: Part[]; entrypoint?: string[] }> {
  const app = ctx.loaded.config.app!;
  const field: FieldPath = ['app', 'jar'];
  const jar = await source(ctx, app.jar!, field);
  if (!jar.stats.isFile()) throw fieldError(ctx.loaded, field, 'NOT_A_JAR', `${jar.host} is not a file`);
  const { attrs, classes } = await readJar(ctx, jar.host.toString(), field);
  const jarPath = `${ctx.dst}/${APP_JAR}`;
  const deps: { path: string; host: Buffer; stats: Stats }[] = [];
  for (const entry of classPath(ctx, attrs.get('Class-Path') ?? '', field)) {
    const path = posix.normalize(`${ctx.dst}/${entry}`);
    if (path === jarPath || deps.some((d) => d.path === path)) continue;
    const dep = await source(ctx, posix.join(posix.dirname(app.jar!), entry), field, (why) =>
      fieldError(ctx.loaded, field, 'JAR_CLASS_PATH', `Class-Path names ${entry}, ${why}`),
    );
    if (!dep.stats.isFile())
      throw fieldError(
        ctx.loaded,
        field,
        'JAR_CLASS_PATH',
        `Class-Path names ${entry}, which is not a file (${dep.host}); pith lays out jars only`,
      );
    deps.push({ path, ...dep });
  }
  const jarTree = walkTree(ctx, field, (w) => w.file(jar.host, jarPath, jar.stats));
  const parts = [...dependencyParts(ctx, field, deps), part(jarTree, `jar ${app.jar}`, [jar.host])];
  if (opts.ownEntrypoint) return { parts };
  const main = app.mainClass ?? attrs.get('Main-Class')?.trim();
  if (!main)
    throw fieldError(
      ctx.loaded,
      field,
      'NO_MAIN_CLASS',
      `${jar.host} has no Main-Class in its manifest; set app.mainClass (or an entrypoint)`,
    );
  await checkMainClass(ctx, main, classes, deps, app.mainClass ? ['app', 'mainClass'] : field);
  const jarInImage = `/${jarPath}`;
  return {
    parts,
    entrypoint: app.mainClass ? [JAVA_BIN, '-cp', jarInImage, main] : [JAVA_BIN, '-jar', jarInImage],
  };
}

/** app.classes (with lib and resources): dependencies, snapshot dependencies, resources, classes. */
async function exploded(
  ctx: Ctx,
  dir: string,
  opts: { ownEntrypoint?: boolean },
): Promise<{ parts: Part[]; entrypoint?: string[] }> {
  const app = ctx.loaded.config.app!;
  const deps: { path: string; host: Buffer; stats: Stats }[] = [];
  if (app.lib !== undefined) {
    const lib = await directory(ctx, app.lib, ['app', 'lib']);
    const names = await readdir(lib.host.toString()).catch((cause: unknown) => {
      throw fieldSystemError(ctx.loaded, ['app', 'lib'], `read ${lib.host}`, cause);
    });
    for (const name of names.filter((n) => n.endsWith('.jar')).sort()) {
      const jar = await source(ctx, join(app.lib, name), ['app', 'lib']);
      if (jar.stats.isFile()) deps.push({ path: `${ctx.dst}/libs/${name}`, ...jar });
    }
  }
  const parts = dependencyParts(ctx, ['app', 'lib'], deps);
  if (app.resources !== undefined) parts.push(await dirPart(ctx, 'resources', app.resources));
  const classes = await dirPart(ctx, 'classes', app.classes!);
  parts.push(classes);
  if (opts.ownEntrypoint) return { parts };
  const main = app.mainClass;
  if (!main)
    throw fieldError(
      ctx.loaded,
      ['app', 'classes'],
      'NO_MAIN_CLASS',
      'needs app.mainClass: the class whose main method starts the app (or an entrypoint)',
    );
  const own = new Set(
    classes.tree
      .entries()
      .map((e) => e.path.slice(`${ctx.dst}/classes/`.length))
      .filter((p) => p.endsWith('.class')),
  );
  await checkMainClass(ctx, main, own, deps, ['app', 'mainClass']);
  const cp = [`${dir}/resources`, `${dir}/classes`, `${dir}/libs/*`].join(':');
  return { parts, entrypoint: [JAVA_BIN, '-cp', cp, main] };
}

/** The dependency jars in two layers, as Jib splits them: release versions, then snapshots. */
function dependencyParts(
  ctx: Ctx,
  field: FieldPath,
  deps: readonly { path: string; host: Buffer; stats: Stats }[],
): Part[] {
  return [false, true].map((snapshot) => {
    const mine = deps.filter((d) => isSnapshot(d.path) === snapshot);
    const tree = walkTree(ctx, field, (w) => {
      for (const d of mine) w.file(d.host, d.path, d.stats);
    });
    const what = `${mine.length} ${snapshot ? 'snapshot ' : ''}dependenc${mine.length === 1 ? 'y' : 'ies'}`;
    return part(
      tree,
      what,
      mine.map((d) => d.host),
    );
  });
}

/** Jib's rule: a jar whose file name says SNAPSHOT changes often. */
function isSnapshot(path: string): boolean {
  return posix.basename(path).includes('SNAPSHOT');
}

/** A directory of the app (resources, classes) under its name in the app directory. */
async function dirPart(ctx: Ctx, name: 'resources' | 'classes', src: string): Promise<Part> {
  const field: FieldPath = ['app', name];
  const d = await directory(ctx, src, field);
  const tree = walkTree(ctx, field, (w) => w.directory(d.host, `${ctx.dst}/${name}`, d.stats));
  return part(tree, `${name} ${src}`, [d.host]);
}

function part(tree: FileTree, what: string, hosts: readonly Buffer[]): Part {
  return {
    tree,
    key: `java-app:${what}:${hosts.map((h) => h.toString('hex')).join(',')}`,
    createdBy: `pith: app ${what}`,
  };
}

function walkTree(ctx: Ctx, field: FieldPath, fill: (w: HostWalk) => void): FileTree {
  const tree = new FileTree();
  fill(fieldWalk(ctx.loaded, field, (p, node) => tree.add(p, node), { arch: ctx.arch }));
  return tree;
}

async function source(
  ctx: Ctx,
  src: string,
  field: FieldPath,
  missing?: (why: string) => Error,
): Promise<{ host: Buffer; stats: Stats }> {
  const where = { baseDir: ctx.loaded.baseDir, context: contextDir(ctx.loaded), where: ctx.loaded.where };
  return resolveSource(where, src, field).catch((cause: unknown) => {
    if (missing && isPithError(cause) && cause.code === 'ENOENT')
      throw missing(`which is not there (${posix.join(ctx.loaded.baseDir, src)})`);
    throw cause;
  });
}

async function directory(ctx: Ctx, src: string, field: FieldPath): Promise<{ host: Buffer; stats: Stats }> {
  const d = await source(ctx, src, field);
  if (!d.stats.isDirectory())
    throw fieldError(ctx.loaded, field, 'APP_NOT_A_DIRECTORY', `${d.host} is not a directory`);
  return d;
}

/** A jar's manifest attributes and the class files it holds. */
async function readJar(
  ctx: Ctx,
  file: string,
  field: FieldPath,
): Promise<{ attrs: Map<string, string>; classes: Set<string> }> {
  const classes = new Set<string>();
  let attrs = new Map<string, string>();
  const want = (name: string) => {
    if (name.endsWith('.class')) classes.add(name);
    return name === JAR_MANIFEST;
  };
  try {
    for await (const { bytes } of zipEntries(file, { name: file, want, limits: LIMITS }))
      attrs = manifestMainAttributes(bytes);
  } catch (cause) {
    if (isPithError(cause) && cause.code.startsWith('ZIP_'))
      throw fieldError(ctx.loaded, field, 'NOT_A_JAR', cause.message, cause);
    throw fieldSystemError(ctx.loaded, field, `read ${file}`, cause);
  }
  return { attrs, classes };
}

/** The Class-Path entries (space-separated relative URLs), each a path under the app directory. */
function classPath(ctx: Ctx, value: string, field: FieldPath): string[] {
  const out: string[] = [];
  for (const raw of value.split(/\s+/).filter(Boolean)) {
    const refuse = (why: string) =>
      fieldError(ctx.loaded, field, 'JAR_CLASS_PATH', `Class-Path names ${raw}, ${why}`);
    let entry: string;
    try {
      entry = decodeURIComponent(raw);
    } catch {
      throw refuse('which is not a valid URL');
    }
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(entry) || entry.startsWith('/'))
      throw refuse('an absolute location; pith lays out entries relative to the jar only');
    const path = posix.normalize(entry);
    if (path === '..' || path.startsWith('../'))
      throw refuse(`which lies outside the app directory /${ctx.dst}`);
    if (entry.endsWith('/')) throw refuse('a directory; pith lays out jars only');
    out.push(path);
  }
  return out;
}

/** Refuses a main class that is neither among `own` class files nor in a dependency jar. */
async function checkMainClass(
  ctx: Ctx,
  main: string,
  own: ReadonlySet<string>,
  deps: readonly { host: Buffer }[],
  field: FieldPath,
): Promise<void> {
  if (!JAVA_NAME.test(main))
    throw fieldError(ctx.loaded, field, 'MAIN_CLASS_MISSING', `${main} is not a Java class name`);
  const file = `${main.replaceAll('.', '/')}.class`;
  if (own.has(file)) return;
  for (const d of deps) if ((await readJar(ctx, d.host.toString(), field)).classes.has(file)) return;
  throw fieldError(
    ctx.loaded,
    field,
    'MAIN_CLASS_MISSING',
    `the main class ${main} (${file}) is not among the app's classes or its dependencies`,
  );
}
