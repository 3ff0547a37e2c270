// `pith presets` lists the shipped presets; `pith presets show NAME` prints one (a config to copy).
import { readFile } from 'node:fs/promises';
import type { Command } from '@commander-js/extra-typings';
import { listPresets } from '../../api/index.ts';
import { PithError } from '../../util/index.ts';
import { makeOutput } from '../output.ts';

export function presetsCommand(program: Command): void {
  const presets = program
    .command('presets')
    .description('list the shipped presets (distroless image contents as pith configs)')
    .option('--json', 'print the result as JSON');
  presets.action(async (opts) => {
    const all = await listPresets();
    makeOutput(opts).result(all, () =>
      all.map((p) => `${`${p.suite}/${p.name}`.padEnd(22)}${p.description}`).join('\n'),
    );
  });
  presets
    .command('show')
    .description('print a preset; copy it to start your own config')
    .argument('<name>', 'preset name, optionally SUITE/NAME (default suite trixie)')
    .action(async (name) => {
      const [suite, preset] = name.includes('/') ? name.split('/', 2) : ['trixie', name];
      const hit = (await listPresets()).find((p) => p.suite === suite && p.name === preset);
      if (!hit)
        throw new PithError('input', 'NO_SUCH_PRESET', `no preset ${suite}/${preset} (see pith presets)`);
      process.stdout.write(await readFile(hit.file, 'utf8'));
    });
  presets.exitOverride();
}
