// Where command output goes: results on stdout (human text or `--json`), progress and errors on stderr.
// Progress is a rewritten status line on a TTY and plain lines otherwise (pipes, CI=true).

export interface Output {
  json: boolean;
  /** Prints a result: `value` as JSON with --json, else the human text. */
  result(value: unknown, human: () => string): void;
  /** Reports a step of long work. */
  step(text: string): void;
  /** Prints a warning on its own line (even with --quiet): `pith: warning: …`. */
  warn(text: string): void;
  /** Ends the progress display. */
  done(): void;
}

export function makeOutput(opts: { json?: boolean; quiet?: boolean }): Output {
  const tty = process.stderr.isTTY === true && process.env['CI'] !== 'true' && process.env['CI'] !== '1';
  let live = false;
  return {
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
