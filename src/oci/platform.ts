// Platforms (os/architecture/variant) as image indexes and configs carry them, with the `os/arch[/variant]`
// text form used on the command line, and normalisation so that `arm64` and `arm64/v8` match.
import { PithError } from '../util/index.ts';

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
  features?: string[];
}

/** `linux/arm64/v8` style text of a platform. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Parses `os/arch[/variant]`. */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((s) => !/^[a-z0-9._-]+$/.test(s))) {
    throw new PithError(
      'input',
      'BAD_PLATFORM',
      `"${text}" is not a platform (expected os/arch[/variant], e.g. linux/arm64)`,
    );
  }
  const [os, architecture, variant] = parts as [string, string, string?];
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/** A platform with the variant its architecture implies filled in (`linux/arm64` → `linux/arm64/v8`). */
export function normalizePlatform(p: Platform): Platform {
  const variant = p.variant ?? defaultVariant(p);
  return variant === undefined ? p : { ...p, variant };
}

/** The variant a platform implies when none is given (containerd's normalisation). */
function defaultVariant(p: Platform): string | undefined {
  if (p.architecture === 'arm64') return 'v8';
  if (p.architecture === 'arm') return 'v7';
  return undefined;
}

/** Whether `candidate` satisfies `wanted` (os and arch equal; variant equal after normalisation). */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  if (wanted.os !== candidate.os || wanted.architecture !== candidate.architecture) return false;
  const wv = wanted.variant ?? defaultVariant(wanted);
  const cv = candidate.variant ?? defaultVariant(candidate);
  return wv === undefined || wv === cv;
}

/** Node's `process.arch` → OCI architecture: the one place pith maps it (config's hostArch uses this). */
const NODE_ARCHITECTURES: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  s390x: 's390x',
  ppc64: 'ppc64le',
  riscv64: 'riscv64',
};

/** The platform of the machine pith runs on (`nodeArch`: a `process.arch` value, for tests). */
export function hostPlatform(nodeArch: string = process.arch): Platform {
  const architecture = NODE_ARCHITECTURES[nodeArch] ?? nodeArch;
  return architecture === 'arm64'
    ? { os: 'linux', architecture, variant: 'v8' }
    : { os: 'linux', architecture };
}
