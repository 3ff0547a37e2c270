// The error codes assemble throws: base images, host files and the build context, owners and entrypoints,
// most of them reported at the config field they come from (config's fieldError).
import type { ErrorCatalog } from '../util/index.ts';

export const ASSEMBLE_ERROR_CODES = {
  BASE_UNAVAILABLE: { kind: 'input', meaning: 'The base image (from:) could not be loaded.' },
  BAD_BASE: { kind: 'invalid', meaning: "The base image's config and manifest disagree on its layers." },
  NO_SUCH_PLATFORM: { kind: 'input', meaning: 'An image or index has no image for the platform asked for.' },
  BAD_CONTEXT: { kind: 'input', meaning: 'The build context is not a directory.' },
  OUTSIDE_CONTEXT: { kind: 'input', meaning: 'A file source lies outside the build context.' },
  UNSUPPORTED_FILE: {
    kind: 'input',
    meaning: 'A file source is a FIFO, socket or device (only files, dirs, symlinks).',
  },
  WRONG_ARCHITECTURE: { kind: 'input', meaning: 'A host binary is not for the architecture of the image.' },
  NOT_ELF: {
    kind: 'input',
    meaning: 'A binary to find libraries for is not an ELF executable or shared object.',
  },
  MISSING_SONAME: {
    kind: 'input',
    meaning: 'A library a binary needs (DT_NEEDED) is neither in the image nor in any package of the suite.',
  },
  MISSING_INTERPRETER: {
    kind: 'input',
    meaning:
      "A binary's program interpreter (PT_INTERP) is neither in the image nor in any package of the suite.",
  },
  SOURCE_CHANGED: { kind: 'input', meaning: 'A host file changed while the image was built.' },
  BAD_OWNER: { kind: 'input', meaning: 'An owner is not uid[:gid] or a known user or group name.' },
  ENTRYPOINT_MISSING: {
    kind: 'input',
    meaning: 'The entrypoint (or cmd) is not an executable in the image.',
  },
  NATIVE_ADDON_MISMATCH: {
    kind: 'input',
    meaning:
      "A Node.js dependency's native addon is not an ELF shared object for the image's architecture and glibc.",
  },
  NO_BASE_LOADER: {
    kind: 'internal',
    meaning: 'A build with a base image was run without a way to load it.',
  },
} as const satisfies ErrorCatalog;

export type AssembleErrorCode = keyof typeof ASSEMBLE_ERROR_CODES;
