// One candidate file as ldconfig judges it: the names it considers (`lib*.so*`, `ld-*.so*`, `ld.so.*`,
// `ld64.so.*`, not prelink temporaries) and the ELF checks — ET_DYN in ldconfig's own byte order, a class
// and machine the target's readelflib accepts, a dynamic section with DT_STRTAB. FLAG_ELF_LIBC6 when the
// interpreter or a DT_NEEDED is a known libc, else FLAG_ELF (then the arch's flag). No DT_SONAME means
// `soname` is absent: the caller uses the file name (ldconfig's implicit_soname; such files are listed).

import { type ElfInfo, ET_DYN, readElf } from '../elf.ts';
import type { ArchSpec } from './arch-specs.ts';
import { FLAG_ELF, FLAG_ELF_LIBC6 } from './flags.ts';
import type { RootView } from './root-view.ts';

const KNOWN_LIBS = ['libc.so.6', 'libm.so.6'];

/** Whether ldconfig looks at a directory entry of this name at all. */
export function isCandidateName(name: string): boolean {
  return isDso(name) && !name.endsWith('.#prelink#') && !/\.#prelink#\.[\s\S]{6}$/.test(name);
}

/** _dl_is_dso (elf/dl-is_dso.h). */
function isDso(name: string): boolean {
  return (
    ((name.startsWith('lib') || name.startsWith('ld-')) && name.includes('.so')) ||
    name.startsWith('ld.so.') ||
    name.startsWith('ld64.so.')
  );
}

/** process_file + the arch's process_elf_file: flag and soname, or undefined if ldconfig skips the file. */
export async function processFile(
  root: RootView,
  spec: ArchSpec,
  path: string,
): Promise<{ flag: number; soname?: string } | undefined> {
  const content = await root.content(path);
  if (!content) return undefined;
  const e = readElf(content);
  // ldconfig reads the header in its own byte order, so a foreign-endian e_type is never ET_DYN.
  if (!e || e.littleEndian !== spec.littleEndian || e.type !== ET_DYN) return undefined;
  const flag = spec.classify(e, (cls) => genericFlag(e, spec, cls));
  if (flag === undefined) return undefined;
  return e.soname === undefined ? { flag } : { flag, soname: e.soname };
}

/** The generic process_elf_file for class `cls`: rejects other classes, truncated or non-dynamic files. */
function genericFlag(e: ElfInfo, spec: ArchSpec, cls: 32 | 64): number | undefined {
  if (e.class !== cls || e.truncated || !e.dynamic) return undefined;
  const known =
    (e.interp !== undefined && spec.interpreters.includes(e.interp)) ||
    e.needed.some((n) => KNOWN_LIBS.includes(n));
  return known ? FLAG_ELF_LIBC6 : FLAG_ELF;
}
