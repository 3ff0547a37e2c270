// `pith presets` lists the shipped presets; `pith presets show NAME` prints one (a config to copy).
import type { Command } from '@commander-js/extra-typings';
import { makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';

export function presetsCommand(program: Command, cli: CliContext): void {
  const presets = program
    .command('presets')
    .description('list the shipped presets (distroless image contents as pith configs)')
    .option('--json', 'print the result as JSON');
  presets.action(async (opts) => {
    const all = await cli.pith().presets();
    makeOutput(opts).result(all, () =>
      all.map((p) => `${`${p.suite}/${p.name}`.padEnd(22)}${p.description}`).join('\n'),
    );
  });
  presets
    .command('show')
    .description('print a preset; copy it to start your own config')
    .argument('<name>', 'preset name, optionally SUITE/NAME (default suite trixie)')
    .option('--json', 'print the preset as JSON (its config, suite, name and text)')
    .action(async (name, opts) => {
      const preset = await cli.pith().showPreset(name);
      const { file: _file, ...report } = preset;
      makeOutput({ ...opts, json: opts.json === true || presets.opts().json === true }).result(report, () =>
        preset.text.replace(/\n$/, ''),
      );
    });
  presets.exitOverride();
}
