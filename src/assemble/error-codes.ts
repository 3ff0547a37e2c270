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
  SOURCE_CHANGED: { kind: 'input', meaning: 'A host file changed while the image was built.' },
  BAD_OWNER: { kind: 'input', meaning: 'An owner is not uid[:gid] or a known user or group name.' },
  ENTRYPOINT_MISSING: {
    kind: 'input',
    meaning: 'The entrypoint (or cmd) is not an executable in the image.',
  },
  NO_BASE_LOADER: {
    kind: 'internal',
    meaning: 'A build with a base image was run without a way to load it.',
  },
} as const satisfies ErrorCatalog;

export type AssembleErrorCode = keyof typeof ASSEMBLE_ERROR_CODES;
