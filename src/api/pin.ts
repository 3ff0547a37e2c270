// `pin`: rewrite image references in Dockerfiles, pith configs and Kubernetes/Compose YAML to
// `name:tag@sha256:…`, resolving tags against their registries; `check` reports unpinned references
// without touching the network or the files. Files are replaced atomically, and only when they change.
import { readFile } from 'node:fs/promises';
import { clientFor, writeFileAtomic } from '../io/index.ts';
import type { ImageReference } from '../oci/index.ts';
import { detectFormat, type PinChange, type PinResult, pinText } from '../pin/index.ts';
import { type Digest, PithError } from '../util/index.ts';

export interface PinFileReport {
  file: string;
  changes: PinChange[];
  unpinned: PinChange[];
  skipped: PinResult['skipped'];
}

/**
 * Resolves a tag to the digest of what it names (an index for a multi-platform image): the hash of the
 * manifest received, as a pull computes it, never the registry's Docker-Content-Digest header.
 */
async function resolveDigest(ref: ImageReference): Promise<Digest> {
  const desc = await clientFor(ref).manifestDescriptor(ref.repository, ref.tag ?? 'latest');
  if (!desc)
    throw new PithError(
      'input',
      'MANIFEST_UNKNOWN',
      `${ref.registry}/${ref.repository}:${ref.tag ?? 'latest'} not found`,
    );
  return desc.digest;
}

/** Pins (or, with `check`, inspects) each file. */
export async function pin(
  files: readonly string[],
  opts: { check?: boolean; update?: boolean } = {},
): Promise<PinFileReport[]> {
  const reports: PinFileReport[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((cause: NodeJS.ErrnoException) => {
      throw new PithError(
        'input',
        'NO_SUCH_FILE',
        `${file}: ${cause.code === 'ENOENT' ? 'no such file' : cause.message}`,
        { cause },
      );
    });
    const result = await pinText(text, detectFormat(file, text), resolveDigest, opts).catch(
      (err: unknown) => {
        if (err instanceof PithError)
          throw new PithError(err.kind, err.code, `${file}: ${err.message}`, {
            cause: err,
            details: err.details,
          });
        throw err;
      },
    );
    if (!opts.check && result.text !== text) await writeFileAtomic(file, Buffer.from(result.text));
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
