// Progress as typed events: what each long operation reports while it works (a phase begins, bytes move, a
// package is ready, an attempt is retried, a warning arises). Library callers get the data; the CLI renders
// it (a TTY line, plain lines in CI, nothing with --quiet).

/** The phases of pith's work, in the order a build meets them. */
export type Phase =
  | 'load-config'
  | 'pull-base'
  | 'verify-release'
  | 'read-index'
  | 'read-contents'
  | 'resolve'
  | 'install'
  | 'collect-files'
  | 'fetch-runtime'
  | 'app'
  | 'write'
  | 'inventory'
  | 'copy-referrers'
  | 'sign'
  | 'attest'
  | 'verify';

export type PithEvent =
  /** A phase begins; `item` names what it works on (a file, a suite, an output), `arch` when per architecture. */
  | { type: 'phase'; phase: Phase; item?: string; arch?: string }
  /** Bytes of one blob moving to or from a registry: `done` of `total`. */
  | { type: 'bytes'; phase: 'pull' | 'push'; item: string; done: number; total?: number }
  /** A blob reached a registry or a layout: uploaded, mounted from another repository, or already there. */
  | { type: 'blob'; digest: string; size: number; how: 'uploaded' | 'mounted' | 'present' }
  /**
   * A layer is ready: compressed now (`built`), or found by its diff_id in the layer cache (`cached`) or
   * the shared cache repository (`pulled`), with no compression done. `item` is the layer's history line.
   */
  | {
      type: 'layer';
      diffId: string;
      digest: string;
      size: number;
      /** Compressed now, found in the local layer cache, or pulled from the shared cache repository. */
      how: 'built' | 'cached' | 'pulled';
      item?: string;
    }
  /** A Debian package is ready (downloaded and verified, or from the cache). */
  | { type: 'package'; name: string; version: string; arch: string; fromCache: boolean }
  /** A network attempt failed and will be tried again after `delayMs`. */
  | { type: 'retry'; item: string; attempt: number; reason: string; delayMs: number }
  /** Something the user should know that did not stop the work (also listed in the report). */
  | { type: 'warning'; code: WarningCode; message: string };

/** What a warning is about. */
export type WarningCode =
  /** An explicit pin (or a dependency's constraint) installs a version older than the security suite's. */
  | 'BEHIND_SECURITY'
  /** A feed URL could not be fetched and its cached copy was used instead. */
  | 'FEED_FROM_CACHE'
  /** The output (an archive) has no place for the SBOM and VEX referrers a build makes. */
  | 'REFERRERS_SKIPPED'
  /** The registry of an image's base could not be asked whether the base is still its tag's newest build. */
  | 'BASE_UNCHECKED'
  /** A Node.js app's dependencies have install scripts, which pith never runs. */
  | 'INSTALL_SCRIPTS_SKIPPED'
  /** The shared cache repository (--cache-repo) could not be read or written; the build went on without it. */
  | 'CACHE_REPO_FAILED'
  /** The cache directory cannot be written: layers are compressed in memory and not kept. */
  | 'CACHE_UNWRITABLE';

export type OnEvent = (event: PithEvent) => void;
