// The error codes node throws: the Node.js runtime's sources (npm registry, release dist) and a Node.js
// project's package-lock.json and its packages.
import type { ErrorCatalog } from '../util/index.ts';

export const NODE_ERROR_CODES = {
  NPM_REGISTRY_UNKNOWN: {
    kind: 'io',
    meaning:
      "The npm registry could not be found from npm's config (set npm_config_registry, or install npm).",
  },
  NPM_METADATA_INVALID: {
    kind: 'invalid',
    meaning: 'The npm registry answered with metadata that is not a package document pith can read.',
  },
  NODE_VERSION_NOT_FOUND: {
    kind: 'input',
    meaning: 'No Node.js release matches node.version for every architecture asked for.',
  },
  NODE_ARCH_UNSUPPORTED: {
    kind: 'input',
    meaning: 'Node.js publishes no binary for this Debian architecture.',
  },
  INTEGRITY_MISMATCH: {
    kind: 'invalid',
    meaning: 'A download (npm package, Node.js tarball) does not have the hash its source or the lock says.',
  },
  NODE_SHASUMS_UNSIGNED: {
    kind: 'invalid',
    meaning: 'SHASUMS256.txt.asc of a Node.js release has no valid signature by a trusted release key.',
  },
  NODE_BINARY_MISSING: {
    kind: 'invalid',
    meaning: 'A Node.js package or tarball has no bin/node (or no LICENSE).',
  },
  KEPT_NODE_CORRUPT: {
    kind: 'invalid',
    meaning:
      'The copy of bin/node kept in the cache no longer has the bytes it was kept with; it is removed, and the next build unpacks the tarball again.',
  },
  NOT_A_NODE_PROJECT: {
    kind: 'input',
    meaning: 'app.node names a directory without package.json, or its package.json is not valid JSON.',
  },
  NPM_LOCK_MISSING: {
    kind: 'input',
    meaning: 'A Node.js project has no package-lock.json (or npm-shrinkwrap.json) pinning its dependencies.',
  },
  NPM_LOCK_INVALID: {
    kind: 'input',
    meaning: 'package-lock.json is not valid JSON, is lockfileVersion 1, or an entry lacks what pith needs.',
  },
  NPM_DEPENDENCY_UNSUPPORTED: {
    kind: 'input',
    meaning:
      'A production dependency cannot be installed from the lock alone: a git, linked or unpinned package, or one whose os/cpu/libc excludes the target.',
  },
  NPM_PACKAGE_INVALID: {
    kind: 'invalid',
    meaning:
      'An npm package tarball is not a gzip-compressed tar, or holds a path that escapes its directory.',
  },
  BAD_IGNORE_FILE: {
    kind: 'input',
    meaning: '.dockerignore or .pithignore could not be read.',
  },
  NO_ENTRYPOINT: {
    kind: 'input',
    meaning:
      'A Node.js project names no start script, main or bin to run, and the config sets no entrypoint.',
  },
} as const satisfies ErrorCatalog;

export type NodeErrorCode = keyof typeof NODE_ERROR_CODES;
