// The names a config chooses from: Debian architectures, suites and distroless variants. Light (no
// imports), so the command line can list them in its help without loading the config module.

export const ARCHS = ['amd64', 'arm64', 'armhf', 'armel', 'i386', 'ppc64el', 's390x', 'riscv64'] as const;
export type Arch = (typeof ARCHS)[number];

export const SUITES = ['trixie', 'bookworm'] as const;
export type Suite = (typeof SUITES)[number];

export const VARIANTS = ['latest', 'nonroot', 'debug', 'debug-nonroot'] as const;
export type Variant = (typeof VARIANTS)[number];
