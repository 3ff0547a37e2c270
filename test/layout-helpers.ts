// An OCI layout written from tar entries in memory, layer by layer (whiteouts and all), with an optional
// exec config and a base history: for tests that need exact layers (audit, diff), where importing a root
// file system would give one.
import { join } from 'node:path';
import { writeLayoutDir } from '../src/io/index.ts';
import { layerFromEntries } from '../src/layer/index.ts';
import { buildImage, type ExecConfig, type HistoryEntry } from '../src/oci/index.ts';
import type { TarEntry } from '../src/tar/index.ts';

/** Writes the image to `dir/name` and returns its `oci:` reference. */
export async function entriesLayout(
  dir: string,
  name: string,
  opts: { config?: ExecConfig; baseHistory?: HistoryEntry[]; annotations?: Record<string, string> },
  ...layers: TarEntry[][]
): Promise<string> {
  const built = [];
  for (const entries of layers)
    built.push(await layerFromEntries(entries, { epoch: 0, compression: 'gzip' }));
  const image = buildImage({
    config: { architecture: 'amd64', os: 'linux', ...(opts.config ? { config: opts.config } : {}) },
    layers: built,
    epoch: 0,
    ...(opts.baseHistory ? { baseHistory: opts.baseHistory } : {}),
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  });
  await writeLayoutDir(join(dir, name), image);
  return `oci:${join(dir, name)}`;
}
