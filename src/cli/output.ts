// Where command output goes: results on stdout (human text or `--json`), progress and errors on stderr.
// Progress is a rewritten status line on a TTY and plain lines otherwise (pipes, CI=true).

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
    done() {
      if (live) process.stderr.write('\r\x1b[2K');
      live = false;
    },
  };
  return out;
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

/** Human size: 1.2 MiB. */
export function humanSize(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}
