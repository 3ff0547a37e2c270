// The format of pith.lock.json (zod): version 3, and version 2 converted on read (its `requiredBy` held a
// package name or the sentinels "requested" / "files"). A lock that does not fit is refused with its file
// and the path of the first fields at fault: `pith.lock.json: archs.amd64[3].sha256: must be …`.
import { z } from 'zod';
import { fieldName } from '../config/index.ts';
import { PithError } from '../util/index.ts';

/**
 * 4: the Node.js binary of each architecture (`node`), the `files:` tarballs (`tarballs`); 3: why a package
 * is locked is `reason` (requested, depends, files), with `requiredBy` only for depends. Versions 2 and 3 are
 * read and converted.
 */
export const LOCK_VERSION = 4;
/** The oldest version still read, converted to the current one. */
const OLDEST_READABLE = 2;

interface LockedPackageFields {
  name: string;
  version: string;
  architecture: string;
  source: string;
  sourceVersion: string;
  size: number;
  sha256: string;
  filename: string;
  /** The suite whose index listed it, e.g. trixie-security. */
  suite: string;
}

/**
 * Why a package is locked: the config asked for it, another package's relation pulled it in, or it is only
 * mined for files (the CA bundle, busybox).
 */
export type LockReason =
  | { reason: 'requested' | 'files'; requiredBy?: never }
  | {
      reason: 'depends';
      /** The package whose Depends or Pre-Depends pulled it in. */
      requiredBy: string;
    };

export type LockedPackage = LockedPackageFields & LockReason;

export interface LockedSuite {
  suite: string;
  date: string;
  validUntil?: string;
  inReleaseSha256: string;
}

/** Exactly which bytes gave an architecture's Node.js binary. */
export interface LockedNode {
  version: string;
  /** "npm", or the release dist URL. */
  from: string;
  url: string;
  sha256: string;
  /** npm: the registry's integrity string (sha512). */
  integrity?: string;
  /** A release dist: key ids of the release keys whose signature over SHASUMS256.txt verified. */
  signedBy?: string[];
}

/** A `files:` tarball of the config, pinned: a --locked build refuses a config whose sha256 differs. */
export interface LockedTarball {
  /** Its position in the effective config's `files`. */
  index: number;
  /** The URL or host path, as the config writes it. */
  source: string;
  sha256: string;
  size: number;
}

export interface Lock {
  lockfileVersion: typeof LOCK_VERSION;
  /** sha256 of the Debian-relevant part of the effective config; a change means the lock is stale. */
  inputs: string;
  suite: string;
  suites: LockedSuite[];
  archs: Record<string, LockedPackage[]>;
  /** The `from:` base image, pinned (its index digest for a multi-platform base). */
  base?: { name: string; digest: string };
  /** The Node.js binary per architecture (configs with `node:`). */
  node?: Record<string, LockedNode>;
  /** The `files:` tarballs (configs with `tarball:` entries). */
  tarballs?: LockedTarball[];
}

const required = (what: string) => (iss: { input: unknown }) =>
  iss.input === undefined ? 'is required' : `must be ${what}`;
const text = z.string({ error: required('a string') }).min(1, 'cannot be empty');
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 (64 lowercase hex digits)');

const packageFields = {
  name: text,
  version: text,
  architecture: text,
  source: text,
  sourceVersion: text,
  size: z
    .number({ error: required('a number') })
    .int()
    .nonnegative(),
  sha256: sha256Hex,
  filename: text,
  suite: text,
};

const packageV3 = z.discriminatedUnion(
  'reason',
  [
    z.strictObject({ ...packageFields, reason: z.literal('depends'), requiredBy: text }),
    z.strictObject({ ...packageFields, reason: z.enum(['requested', 'files']) }),
  ],
  { error: 'must be "requested", "depends" (with requiredBy) or "files"' },
);

/** Version 2: `requiredBy` is a package name, or "requested", or "files". */
const packageV2 = z.strictObject({ ...packageFields, requiredBy: text });

const lockedNode = z.strictObject({
  version: text,
  from: text,
  url: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL'),
  sha256: sha256Hex,
  integrity: text.optional(),
  signedBy: z.array(text).optional(),
});

const lockedTarball = z.strictObject({
  index: z.number().int().nonnegative(),
  source: text,
  sha256: sha256Hex,
  size: z.number().int().nonnegative(),
});

const lockedSuite = z.strictObject({
  suite: text,
  date: z.iso.datetime(),
  validUntil: z.iso.datetime().optional(),
  inReleaseSha256: sha256Hex,
});

function lockSchema<V extends number, P extends z.ZodType>(version: V, pkg: P) {
  return z.strictObject({
    lockfileVersion: z.literal(version),
    inputs: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex digits>'),
    suite: text,
    suites: z.array(lockedSuite),
    archs: z.record(text, z.array(pkg)),
    base: z
      .strictObject({
        name: text,
        digest: z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'must be a digest'),
      })
      .optional(),
  });
}

const lockV4 = lockSchema(4, packageV3).extend({
  node: z.record(text, lockedNode).optional(),
  tarballs: z.array(lockedTarball).optional(),
});
const lockV3 = lockSchema(3, packageV3);
const lockV2 = lockSchema(2, packageV2);

/** The reason a version-2 entry's `requiredBy` stood for. */
function reasonFromV2(requiredBy: string): LockReason {
  if (requiredBy === 'requested' || requiredBy === 'files') return { reason: requiredBy };
  return { reason: 'depends', requiredBy };
}

function fromV2(lock: z.infer<typeof lockV2>): Lock {
  const archs = Object.fromEntries(
    Object.entries(lock.archs).map(([arch, pkgs]) => [
      arch,
      pkgs.map(({ requiredBy, ...p }): LockedPackage => ({ ...p, ...reasonFromV2(requiredBy) })),
    ]),
  );
  return { ...lock, lockfileVersion: LOCK_VERSION, archs };
}

/** At most this many fields are named in one error. */
const MAX_ISSUES = 10;

/** One line per field at fault; an unknown key is named in the path. */
function issueLines(file: string, issue: z.core.$ZodIssue): string[] {
  const path = issue.path as (string | number)[];
  if (issue.code !== 'unrecognized_keys') return [`${file}: ${fieldName(path)}: ${issue.message}`];
  return issue.keys.map((k) => {
    const why = k === 'requiredBy' ? 'is only allowed with reason "depends"' : 'unknown key';
    return `${file}: ${fieldName([...path, k])}: ${why}`;
  });
}

function badLock(file: string, issues: readonly z.core.$ZodIssue[]): PithError {
  const lines = issues.flatMap((i) => issueLines(file, i));
  const shown = lines.slice(0, MAX_ISSUES);
  if (lines.length > MAX_ISSUES) shown.push(`${file}: and ${lines.length - MAX_ISSUES} more problems`);
  return new PithError('input', 'BAD_LOCK', shown.join('\n'), { details: { file } });
}

/** The version a lock says it has, refusing one this pith cannot read. */
function versionOf(data: unknown, file: string): number {
  const fail = (why: string) => new PithError('input', 'BAD_LOCK', `${file}: ${why}`, { details: { file } });
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw fail('not a lock (expected a JSON object with lockfileVersion)');
  const v = (data as Record<string, unknown>).lockfileVersion;
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw fail(`lockfileVersion: must be a whole number, e.g. ${LOCK_VERSION}`);
  if (v < OLDEST_READABLE)
    throw fail(`lockfileVersion ${v} was written by an older pith; run pith lock again`);
  if (v > LOCK_VERSION)
    throw fail(
      `lockfileVersion ${v} was written by a newer pith (this one reads versions ${OLDEST_READABLE} to ${LOCK_VERSION}); upgrade pith, or run pith lock again`,
    );
  return v;
}

/** Checks parsed JSON as a lock of a version this pith reads; an older version comes back converted. */
export function parseLock(data: unknown, file: string): Lock {
  if (versionOf(data, file) === 2) {
    const v2 = lockV2.safeParse(data);
    if (!v2.success) throw badLock(file, v2.error.issues);
    return fromV2(v2.data);
  }
  if (versionOf(data, file) === 3) {
    const v3 = lockV3.safeParse(data);
    if (!v3.success) throw badLock(file, v3.error.issues);
    return { ...v3.data, lockfileVersion: LOCK_VERSION };
  }
  const v4 = lockV4.safeParse(data);
  if (!v4.success) throw badLock(file, v4.error.issues);
  return v4.data;
}
