// Registry commands: copy, digest, ls, tag, login, logout, pin.
import type { Command } from '@commander-js/extra-typings';
import { PithError } from '../../util/index.ts';
import { makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';

const ANY_REF =
  'oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG], docker://HOST/REPO[:TAG][@DIGEST]';

export function registryCommands(program: Command, cli: CliContext): void {
  program
    .command('copy')
    .description('copy an image or index between any two transports (registries, layouts, archives)')
    .argument('<source>', ANY_REF)
    .argument('<destination>', ANY_REF)
    .option('--platform <os/arch[/variant]>', 'copy only the image for this platform')
    .option('--all', 'also copy the referrers (signatures, SBOMs, attestations), between registries')
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress output')
    .action(async (source, destination, opts) => {
      const out = makeOutput(opts);
      const report = await cli.pith({}, out).copy(source, destination, {
        ...(opts.platform ? { platform: opts.platform } : {}),
        ...(opts.all ? { all: true } : {}),
      });
      out.done();
      out.result(
        report,
        () => `copied ${source} → ${destination}\n  ${report.digest} (${report.platforms.join(', ')})`,
      );
    });
  program
    .command('digest')
    .description('print the digest of what a reference names')
    .argument('<ref>', ANY_REF)
    .option('--json', 'print the result as JSON')
    .action(async (ref, opts) => {
      const d = await cli.pith().digest(ref);
      makeOutput(opts).result({ reference: ref, digest: d }, () => d);
    });
  program
    .command('ls')
    .description('list the tags of a repository')
    .argument('<repository>', 'docker://HOST/REPO or HOST/REPO')
    .option('--json', 'print the result as JSON')
    .action(async (repository, opts) => {
      const tags = await cli.pith().listTags(repository);
      makeOutput(opts).result(tags, () => tags.join('\n'));
    });
  program
    .command('tag')
    .description('add a tag to an image in a registry (no blob is copied)')
    .argument('<ref>', 'docker://HOST/REPO:TAG or @DIGEST')
    .argument('<tag>', 'the new tag')
    .option('--json', 'print the result as JSON')
    .action(async (ref, newTag, opts) => {
      const r = await cli.pith().tag(ref, newTag);
      makeOutput(opts).result(r, () => `${r.reference} → ${r.digest}`);
    });
  program
    .command('login')
    .description(
      'save registry credentials where docker and podman read them (the password is read from stdin)',
    )
    .argument('<registry>', 'HOST[:PORT]')
    .requiredOption('-u, --username <user>', 'user name')
    .option(
      '--password-stdin',
      'read the password from standard input (the only way: it never appears in ps or shell history)',
    )
    .option('--json', 'print the result as JSON')
    .action(async (registry, opts) => {
      if (!opts.passwordStdin)
        throw new PithError(
          'usage',
          'PASSWORD_STDIN',
          'pass the password on standard input with --password-stdin',
        );
      const password = (await readStdin()).replace(/\r?\n$/, '');
      if (!password) throw new PithError('input', 'EMPTY_PASSWORD', 'no password on standard input');
      const r = await cli.pith().login(registry, opts.username, password);
      makeOutput(opts).result(r, () => `credentials for ${registry} saved in ${r.file}`);
    });
  program
    .command('logout')
    .description('remove saved registry credentials')
    .argument('<registry>', 'HOST[:PORT]')
    .option('--json', 'print the result as JSON')
    .action(async (registry, opts) => {
      const r = await cli.pith().logout(registry);
      makeOutput(opts).result(r, () =>
        r.removed ? `removed credentials for ${registry}` : `no saved credentials for ${registry}`,
      );
    });
}

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of process.stdin) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

export function pinCommand(program: Command, cli: CliContext): void {
  program
    .command('pin')
    .description(
      'pin image references to name:tag@sha256:… in Dockerfiles, pith configs, Kubernetes and Compose YAML',
    )
    .argument('<files...>', 'files to rewrite in place')
    .option('--check', 'change nothing; exit 6 if a reference is not pinned (for CI)')
    .option('--update', 're-resolve references that already carry a digest')
    .option('--json', 'print the result as JSON')
    .action(async (files, opts) => {
      const reports = await cli.pith().pin(files, {
        ...(opts.check ? { check: true } : {}),
        ...(opts.update ? { update: true } : {}),
      });
      makeOutput(opts).result(reports, () =>
        reports
          .map((r) => {
            const lines = r.changes.map((c) => `  ${c.line}:${c.column} ${c.before} → ${c.after}`);
            const skips = r.skipped.map((s) => `  ${s.line}: skipped ${s.text} (${s.why})`);
            return [
              `${r.file}: ${opts.check ? 'all pinned' : `${r.changes.length} pinned`}`,
              ...lines,
              ...skips,
            ].join('\n');
          })
          .join('\n'),
      );
    });
}
