// Types shared by the pin engine and its two scanners (Dockerfile, YAML).
import type { ImageReference } from '../oci/index.ts';
import type { Digest } from '../util/index.ts';

/** The digest of the manifest or index that a tag names. Injected: the CLI asks the registry. */
export type Resolve = (ref: ImageReference) => Promise<Digest>;

/** One reference, by position (1-based line and column of the reference text itself, inside any quotes). */
export interface PinChange {
  line: number;
  column: number;
  /** The reference as written. */
  before: string;
  /** The reference as rewritten (equal to `before` in `unpinned`). */
  after: string;
  /** `pinned` (a digest was added), `updated` (a digest was replaced) or, in `unpinned`, `no digest`. */
  reason?: string;
}

export interface PinSkip {
  line: number;
  /** The reference (or reference-like text) as written. */
  text: string;
  why: string;
}

export interface PinResult {
  text: string;
  changes: PinChange[];
  /** References without a digest (filled in check mode; empty after a successful pin). */
  unpinned: PinChange[];
  /** Things that may name an image but were left alone, with the reason. */
  skipped: PinSkip[];
}

export type PinFormat = 'dockerfile' | 'yaml';

export interface PinOptions {
  /** Report references without a digest; do not resolve and do not rewrite. */
  check?: boolean;
  /** Re-resolve references that already carry a digest (default: leave them alone). */
  update?: boolean;
}

/** A reference found by a scanner: `[start, end)` are offsets into the original text. */
export interface Site {
  start: number;
  end: number;
  text: string;
}

/** Something a scanner found and will not pin, at an offset into the original text. */
export interface SiteSkip {
  offset: number;
  text: string;
  why: string;
}

export interface Scan {
  sites: Site[];
  skipped: SiteSkip[];
}
