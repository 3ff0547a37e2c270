// Where command output goes: results on stdout (human text or `--json`), progress and errors on stderr.
// Progress is rendered from the API's typed events: a rewritten status line on a TTY and plain lines
// otherwise (pipes, CI=true).

import type { ErrorKind, PithEvent } from '../api/index.ts';
import { humanSize } from '../util/index.ts';

export interface Output {
  json: boolean;
  /** Prints a result: `value` as JSON with --json, else the human text. */
  result(value: unknown, human: () => string): void;
  /** Reports a step of long work. */
  step(text: string): void;
  /** Shows the bytes of a blob transfer: every report on a terminal, each tenth of a large blob otherwise. */
  progress(p: { digest: string; done: number; total: number }): void;
  /** Prints a warning on its own line (even with --quiet): `pith: warning: …`. */
  warn(text: string): void;
  /** Renders one progress event of the API. */
  event(e: PithEvent): void;
  /** Ends the progress display. */
  done(): void;
}

export function makeOutput(opts: { json?: boolean; quiet?: boolean }): Output {
  const tty = process.stderr.isTTY === true && process.env['CI'] !== 'true' && process.env['CI'] !== '1';
  let live = false;
  const shown = new Map<string, number>();
  const out: Output = {
    json: opts.json === true,
    result(value, human) {
      process.stdout.write(opts.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    step(text) {
      if (opts.quiet) return;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${text}`);
        live = true;
      } else process.stderr.write(`${text}\n`);
    },
    progress({ digest, done, total }) {
      if (total < PROGRESS_MIN_BYTES) return;
      const tenth = Math.floor((done * 10) / total);
      if (!tty && shown.get(digest) === tenth) return;
      shown.set(digest, tenth);
      const percent = Math.floor((done * 100) / total);
      out.step(`  ${digest.slice(0, 19)}… ${humanSize(done)} of ${humanSize(total)} (${percent}%)`);
    },
    warn(text) {
      if (live) process.stderr.write('\r\x1b[2K');
      live = false;
      process.stderr.write(`pith: warning: ${text}\n`);
    },
    event(e) {
      if (e.type === 'warning') out.warn(e.message);
      else if (e.type === 'bytes') {
        if (e.total !== undefined) out.progress({ digest: e.item, done: e.done, total: e.total });
      } else {
        const text = eventText(e);
        if (text) out.step(text);
      }
    },
    done() {
      if (live) process.stderr.write('\r\x1b[2K');
      live = false;
    },
  };
  return out;
}

/** The progress line of an event (undefined for events shown otherwise or not at all). */
export function eventText(e: PithEvent): string | undefined {
  const arch = (a: string | undefined) => (a ? `${a}: ` : '');
  switch (e.type) {
    case 'phase':
      return `${arch(e.arch)}${PHASE_TEXT[e.phase]}${e.item ? ` ${e.item}` : ''}`;
    case 'blob':
      return `  ${e.how} ${e.digest.slice(0, 19)}… (${(e.size / 1048576).toFixed(1)} MiB)`;
    case 'retry':
      return `  retrying ${e.item} in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt} failed: ${e.reason})`;
    default:
      return undefined;
  }
}

const PHASE_TEXT: Record<Extract<PithEvent, { type: 'phase' }>['phase'], string> = {
  'load-config': 'loading',
  'pull-base': 'pulling base',
  'verify-release': 'verifying InRelease of',
  'read-index': 'reading Packages of',
  'read-contents': 'reading the Contents index of',
  resolve: 'resolving packages',
  install: 'installing packages',
  'collect-files': 'collecting files',
  'fetch-runtime': 'fetching',
  app: 'laying out the app',
  write: 'writing',
  inventory: 'reading the files of',
  'copy-referrers': 'copying referrers to',
  sign: 'signing',
  attest: 'attesting',
  verify: 'verifying',
};

/**
 * A command that printed its result and still fails (validate found problems): the exit code follows the
 * failure's kind, and nothing more is printed.
 */
export class ReportedFailure extends Error {
  readonly failure: { code: string; kind: ErrorKind; message: string };
  constructor(failure: { code: string; kind: ErrorKind; message: string }) {
    super(failure.message);
    this.failure = failure;
  }
}

/** Blobs smaller than this move too fast for byte progress to help. */
const PROGRESS_MIN_BYTES = 1 << 20;

/** A failure as the CLI reports it: the one line's message, its code and kind, and the exit code. */
export interface ErrorReport {
  code: string;
  kind: string;
  exitCode: number;
  message: string;
  /** Structured facts (path, limit, digest…), merged into the JSON object. */
  details: Record<string, unknown>;
}

/** The `--json` form of a failure, one object on stdout: `{"error":{code,kind,exitCode,message,…details}}`. */
export function errorJson(r: ErrorReport): string {
  const error = { ...r.details, code: r.code, kind: r.kind, exitCode: r.exitCode, message: r.message };
  try {
    return `${JSON.stringify({ error }, jsonSafe, 2)}\n`;
  } catch {
    const { code, kind, exitCode, message } = error;
    return `${JSON.stringify({ error: { code, kind, exitCode, message } }, null, 2)}\n`;
  }
}

/** Details may hold values JSON has no form for. */
function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
