// What `pith audit` reports per image: sizes, layers with the history line that made each, the attack
// surface (shells, package managers, setuid/setgid files, world-writable paths, device nodes), the user it
// runs as, the entrypoint's form, and findings — each with a stable rule id, a severity, the path and
// layer it is about, and a fix.

export const AUDIT_SEVERITIES = ['high', 'medium', 'low', 'info'] as const;
export type AuditSeverity = (typeof AUDIT_SEVERITIES)[number];

export interface AuditFinding {
  /** A stable rule id (`PITH-A001`). */
  id: string;
  severity: AuditSeverity;
  /** One line: what was found. */
  message: string;
  /** The path in the image it is about, if any. */
  path?: string;
  /** The layer (index, manifest order) that put it there, and that layer's digest. */
  layer?: number;
  layerDigest?: string;
  /** What to do about it. */
  fix: string;
}

export interface AuditLayer {
  digest: string;
  /** Compressed (blob) and uncompressed (file bytes) size. */
  compressedSize: number;
  size: number;
  entries: number;
  /** Bytes of this layer's files that later layers overwrite or delete. */
  hiddenBytes: number;
  /** The history line (created_by) that made the layer, when the config has one. */
  createdBy?: string;
}

/** Who the image runs as. */
export interface RunAs {
  /** config.User as written ('' when unset). */
  configured: string;
  /** The numeric uid, resolved against /etc/passwd when a name is given; undefined when unresolvable. */
  uid?: number;
  gid?: number;
  /** The user's name from /etc/passwd. */
  name?: string;
  root: boolean;
}

/** Bytes in a tree (directories, or any grouping), for a treemap. */
export interface SizeNode {
  name: string;
  bytes: number;
  children?: SizeNode[];
}

export interface ImageAudit {
  platform?: string;
  digest: string;
  compressedSize: number;
  size: number;
  layers: AuditLayer[];
  packages: number;
  /** Paths of shells (sh, bash, dash, ash, zsh, ksh, busybox and links to it). */
  shells: string[];
  /** Paths of package managers' commands (apt, dpkg, apk, rpm, pip, npm, …). */
  packageManagers: string[];
  user: RunAs;
  /** exec form (a JSON array run directly) or shell form (`/bin/sh -c …`); none when neither is set. */
  entrypointForm: 'exec' | 'shell' | 'none';
  caBundle: boolean;
  tzdata: boolean;
  /** The base image, from the manifest's org.opencontainers.image.base.* annotations, when it names one. */
  base?: {
    name?: string;
    digest?: string;
    pinned: boolean;
    /** The digest the base's tag names now, when its registry was asked (audit, online). */
    current?: string;
  };
  /** dive-compatible efficiency and the bytes later layers hide. */
  efficiency: number;
  reclaimableBytes: number;
  /** Where the bytes are: the directory tree (three levels, the largest 12 of each). */
  directories: SizeNode;
  /** The bytes each package's files take, largest first (at most 30). */
  packageSizes: { name: string; bytes: number }[];
  findings: AuditFinding[];
}

export interface AuditResult {
  reference: string;
  digest: string;
  images: ImageAudit[];
}
