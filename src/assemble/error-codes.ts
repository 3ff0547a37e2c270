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
  BINARY_UNREADABLE: {
    kind: 'io',
    meaning: 'A kept file (such as the Node.js binary) could not be read while its ELF headers were read.',
  },
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
  TARBALL_MISMATCH: {
    kind: 'invalid',
    meaning: "A files: tarball's bytes do not have the sha256 its entry gives (nothing is unpacked).",
  },
  TARBALL_MEMBER_REFUSED: {
    kind: 'invalid',
    meaning:
      'A files: tarball has a member no image gets: an absolute or .. name, a device or FIFO, a hard link to a member not kept.',
  },
  TARBALL_TOO_LARGE: {
    kind: 'invalid',
    meaning: 'A files: tarball has more members or more file data than pith unpacks (README "Limits").',
  },
  BAD_PATTERN: { kind: 'input', meaning: "A files: tarball's include or exclude pattern is not valid." },
  APP_NOT_A_DIRECTORY: {
    kind: 'input',
    meaning:
      'An app directory (app.python, app.pipTarget, app.classes, app.lib, app.resources) is not a directory.',
  },
  NOT_A_JAR: { kind: 'input', meaning: 'app.jar is not a file, or not a readable jar (zip) archive.' },
  JAR_CLASS_PATH: {
    kind: 'input',
    meaning:
      "A Class-Path entry of app.jar's manifest cannot be laid out: absolute, outside the app directory, missing, or a directory.",
  },
  NO_MAIN_CLASS: {
    kind: 'input',
    meaning:
      'A Java app names no main class (no Main-Class in the manifest, no app.mainClass) and no entrypoint.',
  },
  MAIN_CLASS_MISSING: {
    kind: 'input',
    meaning: "A Java app's main class is not among its classes or its dependency jars.",
  },
  NO_IMAGE_PYTHON: {
    kind: 'input',
    meaning:
      "app.python needs Debian's CPython in the image (preset python3, or python3.X-minimal in packages).",
  },
  NOT_A_VENV: {
    kind: 'input',
    meaning: 'app.venv is not a virtual environment: no pyvenv.cfg naming a version, or no site-packages.',
  },
  PYTHON_VERSION_MISMATCH: {
    kind: 'input',
    meaning: "app.venv was made for another Python version than the image's.",
  },
  PYTHON_EXTENSION_MISMATCH: {
    kind: 'input',
    meaning:
      "A Python dependency's compiled module (*.so) is not for the image's CPython (ABI tag), architecture or glibc.",
  },
  NO_BASE_LOADER: {
    kind: 'internal',
    meaning: 'A build with a base image was run without a way to load it.',
  },
} as const satisfies ErrorCatalog;

export type AssembleErrorCode = keyof typeof ASSEMBLE_ERROR_CODES;
