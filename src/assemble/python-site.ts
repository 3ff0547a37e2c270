// Where a Python app's dependencies are on the host, and what of them goes into the image. A virtual
// environment (python3 -m venv, then pip install) keeps them in lib/python3.X/site-packages, for the
// Python version its pyvenv.cfg names: a venv made for another minor version than the image's is refused,
// since its compiled modules and bytecode are that version's. Its bin/ (scripts whose #! names the host's
// interpreter) stays out, and so do the installers venv seeds — pip, setuptools, wheel, every file of
// theirs as their RECORD lists it — unless an installed distribution requires one (pkg_resources users
// need setuptools). A `pip install --target DIR` directory is site-packages itself, apart from DIR/bin.
import type { Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FieldPath, LoadedConfig } from '../config/index.ts';
import { fieldError, fieldSystemError } from '../config/index.ts';
import { isPithError, readUserFile } from '../util/index.ts';
import { contextDir, type ResolvedSource, resolveSource } from './build-context.ts';

/** A site-packages directory on the host, inside the build context. */
export interface HostSite {
  /** The config field naming it, and its value. */
  field: FieldPath;
  src: string;
  /** The venv or --target directory the config names (real path). */
  root: Buffer;
  /** Its site-packages (real path). */
  host: Buffer;
  stats: Stats;
  /** Top-level names of it that stay out of the image. */
  leaveOut: ReadonlySet<string>;
}

/** An installed distribution, from its .dist-info directory. */
export interface Dist {
  /** Its normalised name (PEP 503). */
  name: string;
  /** The normalised names of what it requires unconditionally or under markers (extras aside). */
  requires: string[];
  /** The top-level names of site-packages that its RECORD lists (the .dist-info directory included). */
  topLevel: string[];
}

/** What `python3 -m venv` installs besides the app's own dependencies. */
const SEED_TOOLS = new Set(['pip', 'setuptools', 'wheel']);
const MAX_METADATA = 16 << 20;

/** The site-packages of the venv at `src`, for the image's CPython 3.`minor`. */
export async function venvSite(loaded: LoadedConfig, src: string, minor: number): Promise<HostSite> {
  const field: FieldPath = ['app', 'venv'];
  const venv = await resolveIn(loaded, src, field);
  if (!venv.stats.isDirectory())
    throw fieldError(loaded, field, 'NOT_A_VENV', `${venv.host} is not a directory`);
  const cfgFile = join(venv.host.toString(), 'pyvenv.cfg');
  const cfg = await readUserFile(cfgFile, MAX_METADATA, 'pyvenv.cfg').catch((cause: unknown) => {
    if (isPithError(cause) && cause.code === 'ENOENT')
      throw fieldError(
        loaded,
        field,
        'NOT_A_VENV',
        `${venv.host} has no pyvenv.cfg: not a virtual environment (made with python3 -m venv); for a pip install --target directory, use pipTarget`,
        cause,
      );
    throw fieldSystemError(loaded, field, `read ${cfgFile}`, cause);
  });
  const version = venvVersion(cfg.toString('utf8'));
  if (!version)
    throw fieldError(loaded, field, 'NOT_A_VENV', `${cfgFile} names no Python version (version = 3.X.Y)`);
  if (version.major !== 3 || version.minor !== minor)
    throw fieldError(
      loaded,
      field,
      'PYTHON_VERSION_MISMATCH',
      `${venv.host} is a virtual environment for Python ${version.text} (pyvenv.cfg), but the image runs Python 3.${minor}: its compiled modules and bytecode are for the other version; make it with python3.${minor} -m venv`,
    );
  const sitePath = join(src, 'lib', `python3.${minor}`, 'site-packages');
  const site = await resolveIn(loaded, sitePath, field).catch((cause: unknown) => {
    if (isPithError(cause) && cause.code === 'ENOENT')
      throw fieldError(
        loaded,
        field,
        'NOT_A_VENV',
        `${venv.host} has no lib/python3.${minor}/site-packages`,
        cause,
      );
    throw cause;
  });
  const dists = await readDists(loaded, field, site.host.toString());
  return { field, src, root: venv.host, ...site, leaveOut: seedToolsLeftOut(dists) };
}

/** The directory that `pip install --target` filled, at `src`. */
export async function targetSite(loaded: LoadedConfig, src: string): Promise<HostSite> {
  const field: FieldPath = ['app', 'pipTarget'];
  const site = await resolveIn(loaded, src, field);
  if (!site.stats.isDirectory())
    throw fieldError(loaded, field, 'APP_NOT_A_DIRECTORY', `${site.host} is not a directory`);
  return { field, src, root: site.host, ...site, leaveOut: new Set(['bin']) };
}

/** The Python version a pyvenv.cfg names (`version` as venv writes it, `version_info` as uv and virtualenv do). */
export function venvVersion(text: string): { major: number; minor: number; text: string } | undefined {
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(version|version_info)\s*=\s*((\d+)\.(\d+)\S*)\s*$/.exec(line);
    if (m) return { major: Number(m[3]), minor: Number(m[4]), text: m[2]! };
  }
  return undefined;
}

/** The top-level names of the seeded installers that no kept distribution requires. */
export function seedToolsLeftOut(dists: readonly Dist[]): Set<string> {
  const kept = new Set(dists.filter((d) => !SEED_TOOLS.has(d.name)));
  for (let grew = true; grew; ) {
    grew = false;
    const needed = new Set([...kept].flatMap((d) => d.requires));
    for (const d of dists)
      if (!kept.has(d) && needed.has(d.name)) {
        kept.add(d);
        grew = true;
      }
  }
  const keptNames = new Set([...kept].flatMap((d) => d.topLevel));
  return new Set(
    dists.filter((d) => !kept.has(d)).flatMap((d) => d.topLevel.filter((n) => !keptNames.has(n))),
  );
}

/** A distribution from its METADATA and RECORD texts. */
export function parseDist(metadata: string, record: string): Dist | undefined {
  const headers = metadata.split(/\r?\n\r?\n/, 1)[0]!.split(/\r?\n/);
  const value = (line: string, key: string) =>
    line.toLowerCase().startsWith(`${key.toLowerCase()}:`) ? line.slice(key.length + 1).trim() : undefined;
  const name = headers.map((l) => value(l, 'Name')).find((v) => v !== undefined);
  if (!name) return undefined;
  const requires = headers
    .map((l) => value(l, 'Requires-Dist'))
    .filter((r): r is string => r !== undefined && !/\bextra\s*==/.test(r))
    .map((r) => /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(r)?.[0])
    .filter((r): r is string => r !== undefined)
    .map(normalizeName);
  const topLevel = new Set<string>();
  for (const line of record.split(/\r?\n/)) {
    const path = recordPath(line);
    if (path && !path.startsWith('..') && !path.startsWith('/')) topLevel.add(path.split('/')[0]!);
  }
  return { name: normalizeName(name), requires, topLevel: [...topLevel] };
}

/** PEP 503: lower case, runs of -, _ and . as one -. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The first field of a RECORD line (CSV: a path with a comma is quoted, "" inside is a quote). */
function recordPath(line: string): string | undefined {
  if (!line.startsWith('"')) return line.split(',')[0] || undefined;
  const m = /^"((?:[^"]|"")*)"/.exec(line);
  return m?.[1]?.replaceAll('""', '"');
}

async function readDists(loaded: LoadedConfig, field: FieldPath, site: string): Promise<Dist[]> {
  const names = await readdir(site).catch((cause: unknown) => {
    throw fieldSystemError(loaded, field, `read ${site}`, cause);
  });
  const dists: Dist[] = [];
  for (const dir of names.filter((n) => n.endsWith('.dist-info')).sort()) {
    const read = (name: string) =>
      readUserFile(join(site, dir, name), MAX_METADATA, name).then(
        (b) => b.toString('utf8'),
        (cause: unknown) => {
          if (isPithError(cause) && cause.code === 'ENOENT') return '';
          throw fieldSystemError(loaded, field, `read ${join(site, dir, name)}`, cause);
        },
      );
    const dist = parseDist(await read('METADATA'), await read('RECORD'));
    if (dist) dists.push({ ...dist, topLevel: [...new Set([dir, ...dist.topLevel])] });
  }
  return dists;
}

/** A host path the config names, resolved inside the build context. */
export function resolveIn(loaded: LoadedConfig, src: string, field: FieldPath): Promise<ResolvedSource> {
  return resolveSource(
    { baseDir: loaded.baseDir, context: contextDir(loaded), where: loaded.where },
    src,
    field,
  );
}
