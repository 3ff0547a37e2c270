// What a package's control.tar says: the control stanza, md5sums, conffiles, and which maintainer scripts
// exist. Scripts are only named here, never run: pith builds images without executing package code.
// Invariants: 'control' is required; md5sums paths are normalised in-image paths (no './' or '/');
// anything malformed is BAD_DEB_CONTROL naming the package.
import { normalizeImagePath, type ReadEntry } from '../tar/index.ts';
import { debError } from './deb-error.ts';

/** The metadata part of a .deb (from control.tar). */
export interface DebControl {
  /** The raw `control` file text (deb822, one stanza). */
  control: string;
  /** md5sums file lines: path (normalised, no leading './' or '/') -> md5 hex. Empty map if absent. */
  md5sums: Map<string, string>;
  /** conffiles lines as written (normally absolute paths), blank lines dropped. */
  conffiles: string[];
  /** Names of the maintainer scripts present (preinst, postinst, prerm, postrm, config, triggers…), sorted. */
  scripts: string[];
}

/** Control members dpkg acts on at install time; recorded so a caller can report what was not run. */
const SCRIPTS = new Set(['preinst', 'postinst', 'prerm', 'postrm', 'config', 'triggers']);
/** Control members that are plain data even when executable. */
const DATA_FILES = new Set(['control', 'md5sums', 'conffiles', 'shlibs', 'symbols', 'templates']);
const MD5_LINE = /^([0-9a-fA-F]{32}) [ *](.+)$/;

/** Interprets the entries of control.tar. */
export function parseControlTar(entries: ReadEntry[], where: string): DebControl {
  const files = new Map<string, ReadEntry>();
  for (const e of entries) if (e.type === 'file' && !e.path.includes('/')) files.set(e.path, e);
  const control = files.get('control');
  if (!control) throw debError('BAD_DEB_CONTROL', where, 'control.tar has no control file');
  return {
    control: control.data.toString('utf8'),
    md5sums: parseMd5sums(files.get('md5sums')?.data.toString('utf8') ?? '', where),
    conffiles: lines(files.get('conffiles')?.data.toString('utf8') ?? ''),
    scripts: [...files.values()]
      .filter(isScript)
      .map((e) => e.path)
      .sort(),
  };
}

/** A known maintainer script, or any other executable control member (an unknown hook is still code). */
function isScript(e: ReadEntry): boolean {
  return SCRIPTS.has(e.path) || (!DATA_FILES.has(e.path) && (e.mode & 0o111) !== 0);
}

/** Parses md5sums ("<32 hex>  <path>" per line) into normalised path -> lower-case hex. */
export function parseMd5sums(text: string, where: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const m = MD5_LINE.exec(line);
    const path = m ? normalised(m[2]!) : '';
    if (!m || path === '') {
      throw debError('BAD_DEB_CONTROL', where, `md5sums line ${i + 1} is malformed: ${JSON.stringify(line)}`);
    }
    out.set(path, m[1]!.toLowerCase());
  }
  return out;
}

function normalised(p: string): string {
  try {
    return normalizeImagePath(p);
  } catch {
    return '';
  }
}

/** Non-blank lines, without trailing whitespace or CR. */
function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l !== '');
}
