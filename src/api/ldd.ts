// `ldd`: the Debian packages an ELF binary needs — its program interpreter and each DT_NEEDED library,
// found as ld.so finds them and mapped to the package that ships them through the suite's Contents index
// (read with -updates and -security, verified like every index), with the version the Packages index has.
// The architecture defaults to the binary's own (ELF header); the suite to pith's default.
import { resolve } from 'node:path';
import { type BinaryPackages, binaryArch, packagesForBinaries } from '../assemble/index.ts';
import { ARCHS, type Arch, DEFAULT_SUITE } from '../config/index.ts';
import { ET_DYN, ET_EXEC, readElfHeader } from '../rootfs/index.ts';
import { PithError, readUserFile } from '../util/index.ts';
import type { Context } from './context.ts';
import { debianSession, type SuiteSource } from './debian-session.ts';

export interface LddRequest extends SuiteSource {
  /** The ELF executable or shared object (a path on this machine). */
  file: string;
  /** The Debian suite whose packages are looked in (default trixie), with its -updates and -security. */
  suite?: string;
  /** The Debian architecture (default: the binary's, from its ELF header). */
  arch?: string;
}

export interface LddReport extends BinaryPackages {
  /** The binary, as an absolute path. */
  file: string;
  suite: string;
}

/** Binaries are read whole (the dynamic section's strings may lie anywhere); this bounds a mistake. */
const MAX_BINARY_BYTES = 1 << 30;

export async function ldd(ctx: Context, req: LddRequest): Promise<LddReport> {
  const file = resolve(req.file);
  const bytes = await readUserFile(file, MAX_BINARY_BYTES, 'binary');
  const arch = req.arch === undefined ? archOf(file, bytes) : knownArch(req.arch);
  const suite = req.suite ?? DEFAULT_SUITE;
  const session = debianSession(ctx, suite, req);
  const found = await packagesForBinaries(session, arch, [{ path: file, bytes }], new Set());
  return { file, suite, ...found };
}

function knownArch(arch: string): Arch {
  if ((ARCHS as readonly string[]).includes(arch)) return arch as Arch;
  throw new PithError('usage', 'BAD_ARCH', `architecture ${arch}: use one of ${ARCHS.join(', ')}`, {
    details: { arch },
  });
}

function archOf(file: string, bytes: Buffer): Arch {
  const header = readElfHeader(bytes);
  if (!header || (header.type !== ET_EXEC && header.type !== ET_DYN))
    throw new PithError('input', 'NOT_ELF', `${file}: not an ELF executable or shared object`, {
      details: { path: file },
    });
  const arch = binaryArch(bytes);
  if (arch) return arch;
  throw new PithError(
    'input',
    'UNKNOWN_BINARY_ARCH',
    `${file}: an ELF file for machine ${header.machine}, which is no Debian architecture pith knows (${ARCHS.join(', ')})`,
    { details: { path: file, machine: header.machine } },
  );
}
