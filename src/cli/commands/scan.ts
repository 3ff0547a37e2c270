// `pith scan REF | --sbom FILE`: vulnerabilities from feeds (Debian security tracker JSON, OSV; --feed
// or the config's scan.feeds), filtered by OpenVEX, fix state and severity, as a table, JSON, SARIF or a
// CycloneDX vulnerability BOM; and, with no feed (or --updates), the Debian packages whose suite has a
// newer version. --fail-on makes a finding of that severity or worse exit 6 (a failed check).
import { existsSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import {
  type Finding,
  findingsAtLeast,
  type ImageScan,
  PithError,
  type ScanReport,
  SEVERITIES,
  type Severity,
} from '../../api/index.ts';
import { writeFileAtomic } from '../../util/index.ts';
import { makeOutput, ReportedFailure } from '../output.ts';
import type { CliContext } from '../pith-for.ts';
import { repeat, suiteSource, withSuiteOptions } from '../suite-source.ts';

const FORMATS = ['table', 'json', 'sarif', 'cyclonedx'] as const;

export function scanCommand(program: Command, cli: CliContext): void {
  withSuiteOptions(
    program
      .command('scan')
      .description(
        'find vulnerabilities (with feeds) and packages with newer versions in their Debian suite, in an image or an SBOM',
      )
      .argument('[ref]', 'any image reference (oci:, oci-archive:, docker-archive:, docker://, a bare path)')
      .option('--sbom <file>', 'scan the packages of this CycloneDX or SPDX JSON SBOM instead of an image')
      .option(
        '--feed <file|url>',
        'vulnerability feed: Debian tracker JSON or OSV (repeatable)',
        repeat,
        [] as string[],
      )
      .option(
        '--vex <file>',
        'OpenVEX document whose statements suppress findings (repeatable)',
        repeat,
        [] as string[],
      )
      .option('--show-suppressed', 'also list the findings VEX suppressed, with the justification')
      .option('--ignore-unfixed', 'report only findings with a published fix')
      .option('--severity <list>', 'report only these severities (comma-separated)')
      .option('--fail-on <severity>', 'exit 6 when a finding is this severe or worse')
      .option('--format <format>', `output: ${FORMATS.join(', ')}`, 'table')
      .option('-o, --output <file>', 'write the output to this file (atomically) instead of stdout')
      .option('--updates', 'also list packages whose suite has newer versions (the default without feeds)')
      .option('--no-updates', 'do not read the Debian suite for newer versions')
      .option('-c, --config <file>', 'pith.yaml with scan: defaults (default: ./pith.yaml when it exists)'),
  )
    .option('--offline', 'use only cached indexes and feeds')
    .option('--cache-dir <dir>', 'download cache (default: $XDG_CACHE_HOME/pith)')
    .option('--json', 'the same as --format json')
    .option('-q, --quiet', 'no progress output')
    .action(async (ref, opts) => {
      const format = opts.json ? 'json' : opts.format;
      if (!(FORMATS as readonly string[]).includes(format))
        throw new PithError('usage', 'BAD_FORMAT', `--format ${format}: use ${FORMATS.join(', ')}`);
      const severities = opts.severity?.split(',').map((s) => s.trim() as Severity);
      const failOn = opts.failOn === undefined ? undefined : severity(opts.failOn, '--fail-on');
      const out = makeOutput({ ...opts, json: format === 'json' });
      const config = opts.config ?? (existsSync('pith.yaml') ? 'pith.yaml' : undefined);
      const pith = cli.pith(opts, out);
      const report = await pith.scan({
        ...(ref ? { reference: ref } : {}),
        ...(opts.sbom ? { sbom: opts.sbom } : {}),
        ...(opts.feed.length ? { feeds: opts.feed } : {}),
        ...(opts.vex.length ? { vex: opts.vex } : {}),
        ...(opts.ignoreUnfixed ? { ignoreUnfixed: true } : {}),
        ...(severities ? { severities } : {}),
        ...(opts.updates !== undefined ? { updates: opts.updates } : {}),
        ...(config ? { config } : {}),
        ...suiteSource(opts),
        ...(format === 'sarif' || format === 'cyclonedx' ? { document: format } : {}),
      });
      out.done();
      const text = render(report, format, opts.showSuppressed === true);
      if (opts.output) {
        await writeFileAtomic(opts.output, Buffer.from(text));
        if (!opts.quiet) process.stderr.write(`wrote ${format} to ${opts.output}\n`);
      } else process.stdout.write(text);
      const failing = failOn ? findingsAtLeast(report, failOn).length : 0;
      if (failOn && failing > 0) {
        const message = `${failing} finding(s) of severity ${failOn} or worse`;
        process.stderr.write(`pith: ${message}\n`);
        throw new ReportedFailure({ code: 'VULNERABILITIES_FOUND', kind: 'check', message });
      }
    });
}

function severity(text: string, flag: string): Severity {
  if ((SEVERITIES as readonly string[]).includes(text)) return text as Severity;
  throw new PithError('usage', 'BAD_SEVERITY', `${flag} ${text}: use one of ${SEVERITIES.join(', ')}`);
}

function render(report: ScanReport, format: string, showSuppressed: boolean): string {
  if (report.document !== undefined) return report.document;
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return `${report.images.map((img) => imageText(report, img, showSuppressed)).join('\n\n')}\n`;
}

function imageText(report: ScanReport, img: ImageScan, showSuppressed: boolean): string {
  const lines = [`${img.platform ?? 'image'} ${img.digest || report.reference}`];
  if (img.release?.outOfSupport)
    lines.push(
      `  warning: Debian ${img.release.version ?? img.release.codename} is out of security support since ${img.release.supportEnds}`,
    );
  if (report.feeds.length) {
    const c = img.counts;
    const total = img.findings.length;
    lines.push(
      `  ${total} vulnerabilit${total === 1 ? 'y' : 'ies'}: ${SEVERITIES.map((s) => `${s} ${c[s]}`).join(', ')}` +
        (img.suppressed.length ? ` (${img.suppressed.length} suppressed by VEX)` : ''),
    );
    if (total) lines.push(...table(img.findings, false));
    if (showSuppressed && img.suppressed.length) {
      lines.push('  suppressed by VEX:');
      lines.push(...table(img.suppressed, true));
    }
  }
  if (img.skipped && !report.feeds.length) lines.push(`  suite not checked: ${img.skipped}`);
  else if (img.suite) {
    if (img.updates.length === 0) lines.push(`  every package is the newest ${img.suite} has`);
    else {
      lines.push(`  ${img.updates.length} package(s) have newer versions in ${img.suite}`);
      const w = Math.max(...img.updates.map((u) => u.name.length));
      const v = Math.max(...img.updates.map((u) => u.installed.length));
      lines.push(
        ...img.updates.map(
          (u) => `    ${u.name.padEnd(w)}  ${u.installed.padEnd(v)} → ${u.available}  (${u.origin})`,
        ),
      );
    }
  }
  return lines.join('\n');
}

function table(findings: readonly Finding[], suppressed: boolean): string[] {
  const rows = findings.map((f) => [
    f.severity.toUpperCase(),
    f.id,
    f.package.name,
    f.package.version,
    f.fixedVersion ?? '',
    suppressed && 'vex' in f
      ? `${(f as { vex: { status: string; justification?: string } }).vex.status} ${(f as { vex: { justification?: string } }).vex.justification ?? ''}`.trim()
      : `${f.state.replaceAll('_', ' ')}${f.fixedIn ? ` (${f.fixedIn})` : ''}`,
  ]);
  const head = ['SEVERITY', 'ID', 'PACKAGE', 'INSTALLED', 'FIXED', suppressed ? 'VEX' : 'STATE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    `    ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`;
  return [line(head), ...rows.map(line)];
}
