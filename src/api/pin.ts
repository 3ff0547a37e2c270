// `pin`: rewrite image references in Dockerfiles, pith configs and Kubernetes/Compose YAML to
// `name:tag@sha256:…`, resolving tags against their registries; `check` reports unpinned references
// without touching the network or the files. Files are replaced atomically, and only when they change.
import { readFile } from 'node:fs/promises';
import { detectFormat, type PinChange, type PinResult, pinText } from '../pin/index.ts';
import { asSystemError, errnoOf, PithError, writeFileAtomic } from '../util/index.ts';
import type { Context } from './context.ts';
import { resolveDigest } from './registry.ts';

export interface PinFileReport {
  file: string;
  changes: PinChange[];
  unpinned: PinChange[];
  skipped: PinResult['skipped'];
}

/** Pins (or, with `check`, inspects) each file. */
export interface PinOptions {
  /** Report unpinned references without touching the network or the files; fails (UNPINNED) if any. */
  check?: boolean;
  /** Also re-resolve references already pinned to a digest. */
  update?: boolean;
}

export async function pin(
  ctx: Context,
  files: readonly string[],
  opts: PinOptions = {},
): Promise<PinFileReport[]> {
  const reports: PinFileReport[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((cause: unknown) => {
      if (errnoOf(cause) === 'ENOENT')
        throw new PithError('input', 'NO_SUCH_FILE', `${file}: no such file`, { cause });
      throw asSystemError(cause, { where: file, action: `read ${file}` });
    });
    const result = await pinText(
      text,
      detectFormat(file, text),
      (ref) => resolveDigest(ctx, ref),
      opts,
    ).catch((err: unknown) => {
      if (err instanceof PithError)
        throw new PithError(err.kind, err.code, `${file}: ${err.message}`, {
          cause: err,
          details: err.details,
        });
      throw err;
    });
    if (!opts.check && result.text !== text)
      await writeFileAtomic(file, Buffer.from(result.text), { signal: ctx.signal });
    reports.push({ file, changes: result.changes, unpinned: result.unpinned, skipped: result.skipped });
  }
  if (opts.check) {
    const unpinned = reports.flatMap((r) =>
      r.unpinned.map((u) => `${r.file}:${u.line}:${u.column}: ${u.before}`),
    );
    if (unpinned.length)
      throw new PithError('check', 'UNPINNED', `not pinned to a digest:\n  ${unpinned.join('\n  ')}`, {
        details: { reports },
      });
  }
  return reports;
}
