// `pith inventory REF`: what an image holds, per platform — its OS, its packages, and the files no package
// owns (a table, or everything with --json).
import type { Command } from '@commander-js/extra-typings';
import type { ImageInventory } from '../../api/index.ts';
import { humanSize } from '../../util/index.ts';
import { makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';

const REF_HELP =
  'oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG|:@N], docker://HOST/REPO[:TAG][@DIGEST], or a bare path';

export function inventoryCommand(program: Command, cli: CliContext): void {
  program
    .command('inventory')
    .description('list what an image holds: OS, packages with versions and sources, files no package owns')
    .argument('<ref>', REF_HELP)
    .option('--json', 'print the whole inventory as JSON (every file, with its layer and sha256)')
    .option('-q, --quiet', 'no progress output')
    .action(async (ref, opts) => {
      const out = makeOutput(opts);
      const inventory = await cli.pith({}, out).inventory(ref);
      out.done();
      out.result(inventory, () => inventory.images.map(imageTable).join('\n\n'));
    });
}

function imageTable(img: ImageInventory): string {
  const os = img.os
    ? `${img.os.prettyName ?? img.os.id}${img.os.debianVersion ? ` (${img.os.debianVersion})` : ''}`
    : 'unknown OS';
  const unowned = new Set(img.unowned);
  const unownedBytes = img.files.filter((f) => unowned.has(f.path)).reduce((s, f) => s + f.size, 0);
  const rows = img.packages.map((p) => [
    p.name,
    p.version,
    p.architecture,
    p.source.name === p.name ? '' : p.source.name,
  ]);
  const widths = [0, 1, 2].map((i) => Math.max(4, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c))
      .join('  ')
      .trimEnd();
  return [
    `${img.platform ?? 'image'} ${img.digest}: ${os}`,
    `${img.packages.length} packages, ${img.files.length} paths, ${img.unowned.length} files owned by no package (${humanSize(unownedBytes)})`,
    '',
    line(['NAME', 'VERSION', 'ARCH', 'SOURCE']),
    ...rows.map(line),
  ].join('\n');
}
