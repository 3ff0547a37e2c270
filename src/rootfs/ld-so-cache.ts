// /etc/ld.so.cache for an image, computed the way the image's own `ldconfig` would compute it — without
// running ldconfig (or anything else) from the image. distroless ships a pre-generated cache so that
// ctypes.util.find_library() (which runs `ldconfig -p`) works; apko has a Go approximation. This is a
// re-implementation of glibc's elf/ldconfig.c + elf/readlib.c + elf/readelflib.c + the per-arch
// sysdeps/unix/sysv/linux/*/readelflib.c + elf/cache.c + elf/stringtable.c, Debian-patched builtin dirs.
// This file is the public facade only; the parts live in ldso/:
//
//   build.ts        the pipeline (ldSoCache, LdSoCacheOptions)
//   root-view.ts    the merged trees, chroot-style symlink resolution, layered lookup
//   search-dirs.ts  ld.so.conf (+ glob.ts for includes), Debian's built-in dirs, dedup by resolved dir
//   dir-scan.ts     one directory's entries: links vs files, same-soname resolution
//   library-file.ts names ldconfig considers, ELF checks, implicit soname
//   arch-specs.ts   per-arch triplet, byte order, char signedness, interpreters, flags (flags.ts)
//   order.ts        _dl_cache_libcmp and the insertion-sort order of the entries
//   cache-file.ts   the "new" format file (+ string-table.ts); generator.ts the default generator string
//
// Byte identity: for the same root and generator string the output equals `ldconfig -X -r ROOT` byte for
// byte (the tests check this against the host's ldconfig). Known, deliberate gaps: (1) glibc-hwcaps
// subdirectories (…/glibc-hwcaps/x86-64-v3/) are not scanned, so their libraries and the hwcaps extension
// section are absent — ld.so still searches them at run time; (2) legacy hwcap subdirectories (tls, x86_64,
// i686 …) are not scanned — glibc 2.37 removed them; (3) where ldconfig depends on readdir order (two
// different sonames that _dl_cache_libcmp considers equal, e.g. libx.so.01 and libx.so.1) we use byte order.

export { type LdSoCacheOptions, ldSoCache } from './ldso/build.ts';
export { libcmp } from './ldso/order.ts';
