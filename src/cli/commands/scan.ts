// `pith scan REF`: the Debian packages of an image that its suite has newer versions of (fixes published,
// the image is stale), read through pith's verified indexes of the suite, -updates and -security.
import type { Command } from '@commander-js/extra-typings';
import type { ImageScan } from '../../api/index.ts';
import { makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';

export function scanCommand(program: Command, cli: CliContext): void {
  program
    .command('scan')
    .description(
      'list the Debian packages of an image that its suite (with -updates and -security) has newer versions of',
    )
    .argument('<ref>', 'any image reference (oci:, oci-archive:, docker-archive:, docker://, a bare path)')
    .option('--mirror <url>', 'Debian archive mirror (default: from the host apt sources)')
    .option('--security-mirror <url>', 'Debian security mirror (default: from the host apt sources)')
    .option(
      '--keyring <file>',
      'trust this OpenPGP keyring for the suite (repeatable)',
      (v, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--offline', 'use only cached indexes')
    .option('--cache-dir <dir>', 'download cache (default: $XDG_CACHE_HOME/pith)')
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress output')
    .action(async (ref, opts) => {
      const out = makeOutput(opts);
      const mirror = {
        ...(opts.mirror ? { archive: opts.mirror } : {}),
        ...(opts.securityMirror ? { security: opts.securityMirror } : {}),
      };
      const report = await cli.pith(opts, out).scan({
        reference: ref,
        ...(Object.keys(mirror).length ? { mirror } : {}),
        ...(opts.keyring.length ? { keyrings: opts.keyring } : {}),
      });
      out.done();
      out.result(report, () => report.images.map(imageText).join('\n\n'));
    });
}

function imageText(img: ImageScan): string {
  const head = `${img.platform ?? 'image'} ${img.digest}`;
  if (img.skipped) return `${head}: not checked: ${img.skipped}`;
  if (img.updates.length === 0) return `${head}: every package is the newest ${img.suite} has`;
  const w = Math.max(...img.updates.map((u) => u.name.length));
  const v = Math.max(...img.updates.map((u) => u.installed.length));
  return [
    `${head}: ${img.updates.length} package(s) have newer versions in ${img.suite}`,
    ...img.updates.map(
      (u) => `  ${u.name.padEnd(w)}  ${u.installed.padEnd(v)} → ${u.available}  (${u.origin})`,
    ),
  ].join('\n');
}
