// Shared by the tests of the Contents index and of pith ldd: the fake packages that ship an amd64 libc and
// one library as a real trixie does (merged /usr: the interpreter under usr/lib64, libraries under
// usr/lib/<triplet>).
import type { FakePackage } from '../src/testing/index.ts';

export const LIBDIR = 'usr/lib/x86_64-linux-gnu';

/** libc6 2.41-12 with libc.so.6 and the x86-64 program interpreter. */
export const FAKE_LIBC6: FakePackage = {
  name: 'libc6',
  version: '2.41-12',
  fields: { Section: 'libs' },
  files: { [`${LIBDIR}/libc.so.6`]: 'elf', 'usr/lib64/ld-linux-x86-64.so.2': 'elf' },
};

/** A package (Section libs) that ships `files` under LIBDIR. */
export function fakeLibrary(name: string, version: string, ...files: string[]): FakePackage {
  return {
    name,
    version,
    fields: { Section: 'libs' },
    files: Object.fromEntries(files.map((f) => [`${LIBDIR}/${f}`, 'elf'])),
  };
}
