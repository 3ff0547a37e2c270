// Debian architecture names, wildcards and `[amd64 !i386]` restriction lists, with the semantics of
// dpkg's Dpkg::Arch (debarch_is, debwildcard_to_debtuple, debarch_is_concerned). Invariants: every
// architecture maps to an abi-libc-os-cpu tuple built from dpkg's own tupletable and cputable (copied
// below, in dpkg's order: explicit rows override, <cpu> template rows never override); a wildcard is
// any name with an 'any' component and matches component-wise; unknown names match only themselves.

/** An architecture restriction list: `[amd64 arm64]` (negated false) or `[!i386 !armel]` (negated true). */
export interface ArchRestriction {
  negated: boolean;
  list: string[];
}

/** dpkg's abi-libc-os-cpu tuple for an architecture. */
export type ArchTuple = readonly [abi: string, libc: string, os: string, cpu: string];

// dpkg 1.21 data/cputable (first column) and data/tupletable (debtuple, debarch), in file order.
const CPUS =
  'alpha amd64 arc armeb arm arm64 avr32 hppa loong64 i386 ia64 m32r m68k mips mipsel mipsr6 mipsr6el ' +
  'mips64 mips64el mips64r6 mips64r6el nios2 or1k powerpc powerpcel ppc64 ppc64el riscv64 s390 s390x ' +
  'sh3 sh3eb sh4 sh4eb sparc sparc64 tilegx';
const TUPLES = `
eabi-uclibc-linux-arm uclibc-linux-armel
base-uclibc-linux-<cpu> uclibc-linux-<cpu>
eabihf-musl-linux-arm musl-linux-armhf
base-musl-linux-<cpu> musl-linux-<cpu>
ilp32-gnu-linux-arm64 arm64ilp32
eabihf-gnu-linux-arm armhf
eabi-gnu-linux-arm armel
abin32-gnu-linux-mips64r6el mipsn32r6el
abin32-gnu-linux-mips64r6 mipsn32r6
abin32-gnu-linux-mips64el mipsn32el
abin32-gnu-linux-mips64 mipsn32
abi64-gnu-linux-mips64r6el mips64r6el
abi64-gnu-linux-mips64r6 mips64r6
abi64-gnu-linux-mips64el mips64el
abi64-gnu-linux-mips64 mips64
spe-gnu-linux-powerpc powerpcspe
x32-gnu-linux-amd64 x32
base-gnu-linux-<cpu> <cpu>
eabihf-gnu-kfreebsd-arm kfreebsd-armhf
base-gnu-kfreebsd-<cpu> kfreebsd-<cpu>
base-gnu-knetbsd-<cpu> knetbsd-<cpu>
base-gnu-kopensolaris-<cpu> kopensolaris-<cpu>
base-gnu-hurd-<cpu> hurd-<cpu>
base-bsd-dragonflybsd-<cpu> dragonflybsd-<cpu>
base-bsd-freebsd-<cpu> freebsd-<cpu>
base-bsd-openbsd-<cpu> openbsd-<cpu>
base-bsd-netbsd-<cpu> netbsd-<cpu>
base-bsd-darwin-<cpu> darwin-<cpu>
base-sysv-aix-<cpu> aix-<cpu>
base-sysv-solaris-<cpu> solaris-<cpu>
eabi-uclibc-uclinux-arm uclinux-armel
base-uclibc-uclinux-<cpu> uclinux-<cpu>
base-tos-mint-m68k mint-m68k`;

/** Builds arch → tuple the way Dpkg::Arch::_load_tupletable does. */
function loadTuples(): Map<string, string> {
  const toTuple = new Map<string, string>();
  const toArch = new Map<string, string>();
  for (const row of TUPLES.trim().split('\n')) {
    const [tuple, arch] = row.split(' ') as [string, string];
    if (!tuple.includes('<cpu>')) {
      toTuple.set(arch, tuple);
      toArch.set(tuple, arch);
      continue;
    }
    for (const cpu of CPUS.split(' ')) {
      const t = tuple.replace('<cpu>', cpu);
      const a = arch.replace('<cpu>', cpu);
      if (toTuple.has(a) || toArch.has(t)) continue;
      toTuple.set(a, t);
      toArch.set(t, a);
    }
  }
  return toTuple;
}

let tuples: Map<string, string> | undefined;

/** Perl's `split /-/, $s, 4`: at most four fields, the last keeps any further hyphens. */
function split4(s: string): string[] {
  const parts = s.split('-');
  return parts.length <= 4 ? parts : [...parts.slice(0, 3), parts.slice(3).join('-')];
}

/** The tuple of a concrete architecture (`amd64`, `armhf`, `musl-linux-arm64`), or undefined if unknown. */
export function archTuple(arch: string): ArchTuple | undefined {
  tuples ??= loadTuples();
  // Dpkg::Arch still accepts the old 'linux-<arch>' spelling by dropping the prefix.
  const m = /^linux-([^-]*)/.exec(arch);
  const tuple = tuples.get(m ? m[1]! : arch);
  return tuple === undefined ? undefined : (split4(tuple) as unknown as ArchTuple);
}

/** The tuple of a wildcard (`any`, `linux-any`, `any-amd64`, `gnu-any-any`) or of a concrete arch. */
export function wildcardTuple(wildcard: string): ArchTuple | undefined {
  const parts = split4(wildcard);
  if (!parts.includes('any')) return archTuple(wildcard);
  while (parts.length < 4) parts.unshift('any');
  return parts as unknown as ArchTuple;
}

/** dpkg's debarch_is: whether concrete `arch` is `pattern` or is matched by the wildcard `pattern`. */
export function archIs(arch: string, pattern: string): boolean {
  if (pattern === arch || pattern === 'any') return true;
  const real = archTuple(arch);
  const alias = wildcardTuple(pattern);
  if (real === undefined || alias === undefined) return false;
  return alias.every((part, i) => part === 'any' || part === real[i]);
}

/**
 * Whether `arch` is concerned by a restriction list: a positive list needs one entry to match, a
 * negated list needs none to match. Entries are lower-cased as dpkg does.
 */
export function archMatches(restriction: ArchRestriction, arch: string): boolean {
  const hit = restriction.list.some((entry) => archIs(arch, entry.toLowerCase()));
  return restriction.negated ? !hit : hit;
}
