// `presets` and `presets show`: the shipped presets, and one preset's config as text (to copy into a
// pith.yaml) and as the parsed config object (for --json and library callers).

import { readFile } from 'node:fs/promises';
import { listPresets, loadPreset, type PithConfig, type PresetInfo } from '../config/index.ts';
import { PithError } from '../util/index.ts';

export interface PresetReport extends PresetInfo {
  /** The preset file's text, comments included. */
  text: string;
  /** The preset as a validated config. */
  config: PithConfig;
}

/** One preset by `NAME` or `SUITE/NAME` (default suite trixie). */
export async function showPreset(name: string): Promise<PresetReport> {
  const [suite, preset] = name.includes('/') ? name.split('/', 2) : ['trixie', name];
  const all = await listPresets();
  const hit = all.find((p) => p.suite === suite && p.name === preset);
  if (!hit) {
    const known = all.map((p) => `${p.suite}/${p.name}`).join(', ');
    throw new PithError('input', 'NO_SUCH_PRESET', `no preset ${suite}/${preset} (presets: ${known})`);
  }
  const loaded = await loadPreset(hit.name, hit.suite);
  return { ...hit, text: await readFile(hit.file, 'utf8'), config: loaded.config };
}
