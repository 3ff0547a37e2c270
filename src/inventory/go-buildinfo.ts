// Go build information in an executable (Go ≥ 1.18, the format `go version -m` reads: runtime/debug's
// BuildInfo): a 32-byte header — the magic `\xff Go buildinf:`, the pointer size, flags (bit 1: strings
// inline) — then two varint-prefixed strings, the toolchain version (`go1.22.3`) and the module info
// wrapped in 16-byte sentinels, whose lines are `path`, `mod`, `dep`, `=>` (a replacement of the line
// above) and `build`. Found by its magic, as scanners find it, in any ELF file; older binaries (pointers
// to strings instead of inline strings) are left out. Reported as Go packages: `stdlib` at the toolchain
// version and every module with a version, as syft and trivy report them.

import { isElf } from './elf.ts';
import type { LanguagePackage } from './types.ts';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const SENTINEL = 16;
/** Module info longer than this is not believed. */
const MAX_INFO = 1 << 20;

/** What the build info says: the toolchain and the modules, or undefined when there is none to read. */
export interface GoBuildInfo {
  goVersion: string;
  /** The main package's import path (`path` line). */
  path?: string;
  /** The main module and its dependencies, replacements applied. */
  modules: { path: string; version: string; main: boolean }[];
}

export function readGoBuildInfo(data: Buffer): GoBuildInfo | undefined {
  if (!isElf(data)) return undefined;
  const at = data.indexOf(MAGIC);
  if (at < 0 || at + 32 > data.length) return undefined;
  const flags = data[at + 15] ?? 0;
  if ((flags & 0x2) === 0) return undefined; // pre-1.18: pointers into the data segment
  const version = readString(data, at + 32);
  if (!version) return undefined;
  const info = readString(data, version.next);
  const goVersion = version.text.toString('latin1');
  if (!/^go\d/.test(goVersion)) return undefined;
  const text =
    info && info.text.length >= 2 * SENTINEL ? info.text.subarray(SENTINEL, -SENTINEL).toString('utf8') : '';
  return { goVersion, ...parseModInfo(text) };
}

function readString(data: Buffer, at: number): { text: Buffer; next: number } | undefined {
  let n = 0;
  let shift = 0;
  let p = at;
  for (;;) {
    const b = data[p++];
    if (b === undefined || shift > 28) return undefined;
    n |= (b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  if (n > MAX_INFO || p + n > data.length) return undefined;
  return { text: data.subarray(p, p + n), next: p + n };
}

function parseModInfo(text: string): Omit<GoBuildInfo, 'goVersion'> {
  let path: string | undefined;
  const modules: GoBuildInfo['modules'] = [];
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'path' && f[1]) path = f[1];
    else if ((f[0] === 'mod' || f[0] === 'dep') && f[1])
      modules.push({ path: f[1], version: f[2] ?? '', main: f[0] === 'mod' });
    else if (f[0] === '=>' && f[1] && modules.length) {
      const last = modules[modules.length - 1] as GoBuildInfo['modules'][number];
      modules[modules.length - 1] = { ...last, path: f[1], version: f[2] ?? '' };
    }
  }
  return { ...(path ? { path } : {}), modules };
}

/** The Go packages of a binary: `stdlib` (the toolchain, `v1.22.3`) and each module with a real version. */
export function goPackages(file: string, info: GoBuildInfo): LanguagePackage[] {
  const stdlib = /^go(\d+(?:\.\d+){0,2})/.exec(info.goVersion)?.[1];
  const out: LanguagePackage[] = [];
  if (stdlib) out.push({ type: 'golang', name: 'stdlib', version: `v${stdlib}`, path: file });
  for (const m of info.modules)
    if (m.version && m.version !== '(devel)')
      out.push({ type: 'golang', name: m.path, version: m.version, path: file });
  return out;
}
