// `pith audit REF`: per platform, sizes, layers with the history line that made each, the attack surface
// (shells, package managers, setuid/setgid, world-writable paths, device nodes), who it runs as, and the
// findings with their rule ids and fixes (a table, or everything with --json; SARIF with --sarif FILE).
// --fail-on makes a finding of that severity or worse exit 6 (a failed check).
import type { Command } from '@commander-js/extra-typings';
import {
  AUDIT_SEVERITIES,
  type AuditSeverity,
  auditHtml,
  auditSarif,
  type ImageAudit,
} from '../../api/index.ts';
import { humanSize, PITH_TOOL, PithError, writeFileAtomic } from '../../util/index.ts';
import { makeOutput, ReportedFailure } from '../output.ts';
import type { CliContext } from '../pith-for.ts';

export function auditCommand(program: Command, cli: CliContext): void {
  program
    .command('audit')
    .description('measure the attack surface of an image: shells, package managers, user, privileges, waste')
    .argument(
      '<ref>',
      'any image reference pith reads (oci:, oci-archive:, docker-archive:, docker://, a path)',
    )
    .option(
      '--fail-on <severity>',
      `exit 6 when a finding is this severe or worse (${AUDIT_SEVERITIES.join(', ')})`,
    )
    .option('--sarif <file>', 'also write the findings as SARIF 2.1.0 to this file')
    .option('--html <file>', 'also write a self-contained HTML report (tables, charts) to this file')
    .option('--check-base', 'ask the registry of the base the image names whether its tag has a newer build')
    .option('--json', 'print the whole audit as JSON')
    .option('-q, --quiet', 'no progress output')
    .action(async (ref, opts) => {
      const failOn = opts.failOn === undefined ? undefined : severity(opts.failOn);
      const out = makeOutput(opts);
      const report = await cli.pith({}, out).audit(ref, { checkBase: opts.checkBase === true });
      out.done();
      if (opts.html) await writeFileAtomic(opts.html, Buffer.from(await auditHtml(report)));
      if (opts.sarif) {
        const sarif = auditSarif(report, PITH_TOOL);
        await writeFileAtomic(opts.sarif, Buffer.from(`${JSON.stringify(sarif, null, 2)}\n`));
      }
      out.result(report, () => report.images.map(imageTable).join('\n\n'));
      if (!failOn) return;
      const worst = AUDIT_SEVERITIES.indexOf(failOn);
      const failing = report.images
        .flatMap((i) => i.findings)
        .filter((f) => AUDIT_SEVERITIES.indexOf(f.severity) <= worst).length;
      if (failing > 0) {
        const message = `${failing} audit finding(s) of severity ${failOn} or worse`;
        process.stderr.write(`pith: ${message}\n`);
        throw new ReportedFailure({ code: 'AUDIT_FAILED', kind: 'check', message });
      }
    });
}

function severity(text: string): AuditSeverity {
  if ((AUDIT_SEVERITIES as readonly string[]).includes(text)) return text as AuditSeverity;
  throw new PithError(
    'usage',
    'BAD_SEVERITY',
    `--fail-on ${text}: use one of ${AUDIT_SEVERITIES.join(', ')}`,
  );
}

function imageTable(img: ImageAudit): string {
  const user = img.user.root
    ? 'root'
    : `${img.user.uid ?? '?'}:${img.user.gid ?? '?'}${img.user.name ? ` (${img.user.name})` : ''}`;
  const yes = (list: string[]) =>
    list.length ? `yes: ${list.slice(0, 6).join(' ')}${list.length > 6 ? ' …' : ''}` : 'no';
  return [
    `${img.platform ?? 'image'} ${img.digest}`,
    `  size             ${humanSize(img.compressedSize)} compressed, ${humanSize(img.size)} uncompressed, ${img.layers.length} layer(s)`,
    `  packages         ${img.packages}`,
    `  shell            ${yes(img.shells)}`,
    `  package manager  ${yes(img.packageManagers)}`,
    `  user             ${user}`,
    `  entrypoint       ${img.entrypointForm} form`,
    `  CA bundle        ${img.caBundle ? 'yes' : 'no'};  tzdata ${img.tzdata ? 'yes' : 'no'}`,
    `  efficiency       ${(img.efficiency * 100).toFixed(2)} % (dive); ${humanSize(img.reclaimableBytes)} hidden by later layers`,
    '',
    ...img.layers.map((l, i) =>
      `  layer ${i}  ${humanSize(l.compressedSize).padStart(9)}  ${humanSize(l.size).padStart(9)}  ${l.digest.slice(0, 19)}  ${l.createdBy ?? ''}`.trimEnd(),
    ),
    '',
    ...(img.findings.length
      ? img.findings.map(
          (f) =>
            `  ${f.severity.padEnd(6)} ${f.id}  ${f.message}${f.layer !== undefined ? ` (layer ${f.layer})` : ''}`,
        )
      : ['  no findings']),
  ].join('\n');
}
