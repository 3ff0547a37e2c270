// `pith build [CONFIG] --output REF [--preset NAME] [--variant V] [--suite S] [--arch A,…]`
import type { Command } from '@commander-js/extra-typings';
import { type Arch, SUITES, type Suite, VARIANTS, type Variant } from '../../api/index.ts';
import { humanSize } from '../../util/index.ts';
import { formatSummary } from '../format-summary.ts';
import { makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';
import { signingOptions, withKeylessOptions } from '../signing-options.ts';

/** `--arch a,b` → ['a', 'b']; the values are checked by the API with the rest of the config. */
export function archList(v: string): string[] {
  return v.split(',').map((a) => a.trim());
}

export function buildCommand(program: Command, cli: CliContext): void {
  withKeylessOptions(program.command('build'))
    .description('build an image from a pith.yaml config, a preset, or both')
    .argument(
      '[config]',
      'pith.yaml, or a directory: its pith.yaml, else a Node.js project (package.json + lock) built on a nodejs preset (optional with --preset)',
    )
    .requiredOption(
      '-o, --output <ref>',
      'where to write: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG], docker://HOST/REPO[:TAG]',
    )
    .option('--preset <name>', 'start from a shipped preset (see pith presets)')
    .option('--variant <variant>', `distroless variant: ${VARIANTS.join(', ')}`)
    .option('--suite <suite>', `Debian suite: ${SUITES.join(', ')}`)
    .option('--arch <archs>', 'comma-separated Debian architectures, e.g. amd64,arm64', archList)
    .option('--locked', 'build exactly what pith.lock.json lists; fail if the config or a file changed')
    .option('--no-sbom', 'do not attach a CycloneDX SBOM to each platform manifest (an OCI 1.1 referrer)')
    .option('--vex <file>', 'attach this OpenVEX document to the image as a referrer')
    .option(
      '--sign-key <file>',
      'sign what is written, and attest its SBOM, VEX and SLSA provenance, with this key',
    )
    .option('--no-attest', 'with signing: sign only, write no attestations')
    .option('--offline', 'use only cached downloads')
    .option(
      '--cache-repo <ref>',
      'share layers and .deb files with other runners through this registry repository (docker://HOST/REPO)',
    )
    .option(
      '--no-layer-cache',
      'compress every layer again instead of reusing the cached blob of the same tar',
    )
    .option('--cache-dir <dir>', 'download cache (default: $XDG_CACHE_HOME/pith)')
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nTimes in the image are clamped to SOURCE_DATE_EPOCH (default 0), so builds are reproducible.\nIn a layout or a registry, each platform manifest gets its CycloneDX SBOM as an OCI 1.1 referrer\n(a layout lists it in index.json beside the image, so tools other than pith need oci:DIR:TAG).',
    )
    .action(async (config, opts) => {
      const out = makeOutput(opts);
      const pith = cli.pith(opts, out);
      const signing = signingOptions(opts.signKey, opts);
      // unchecked here on purpose: the API validates overrides with the config, for every caller alike
      const report = await pith.build({
        ...(config ? { config } : {}),
        output: opts.output,
        ...(opts.preset ? { preset: opts.preset } : {}),
        ...(opts.variant ? { variant: opts.variant as Variant } : {}),
        ...(opts.suite ? { suite: opts.suite as Suite } : {}),
        ...(opts.arch ? { archs: opts.arch as Arch[] } : {}),
        ...(opts.locked ? { locked: true } : {}),
        ...(opts.sbom === false ? { sbom: false } : {}),
        ...(opts.layerCache === false ? { layerCache: false } : {}),
        ...(opts.cacheRepo ? { cacheRepo: opts.cacheRepo } : {}),
        ...(opts.vex ? { vex: opts.vex } : {}),
        ...(signing ? { sign: { ...signing, ...(opts.attest === false ? { attest: false } : {}) } } : {}),
      });
      out.done();
      out.result(report, () => {
        const lines = [formatSummary(report, `built ${report.output}`)];
        for (const r of report.referrers ?? []) lines.push(`attached ${r.artifactType} ${r.digest}`);
        for (const s of report.signatures ?? [])
          lines.push(
            `signed ${s.digest} (bundle ${s.bundle.digest}${s.legacyTag ? `, tag ${s.legacyTag}` : ''})`,
          );
        for (const a of report.attestations ?? [])
          lines.push(`attested ${a.predicateType} for ${a.digest} (${a.bundle.digest})`);
        for (const d of report.debian ?? []) {
          lines.push(
            '',
            `debian ${d.arch}: ${d.packages.length} packages, ${humanSize(d.droppedDocBytes)} of documentation left out${d.caCertificates ? `, ${d.caCertificates} CA certificates` : ''}`,
          );
          for (const p of d.packages) lines.push(`  ${p.name} ${p.version} ${p.architecture} (${p.origin})`);
        }
        return lines.join('\n');
      });
    });
}
