// The pith command line: parses arguments, calls the API facade, and turns errors into one clear line and
// a documented exit code. Stack traces are printed only for bugs (errors that are not PithErrors).
import { Command, CommanderError } from '@commander-js/extra-typings';
import { abortPendingWrites, setRemoteDefaults } from '../api/index.ts';
import { isPithError, messageOf } from '../util/index.ts';
import { buildCommand } from './commands/build.ts';
import { inspectCommand, validateCommand } from './commands/inspect.ts';
import { lockCommand, whyCommand } from './commands/lock.ts';
import { presetsCommand } from './commands/presets.ts';
import { pinCommand, registryCommands } from './commands/registry.ts';
import { ExitCode, exitCodeFor } from './exit-codes.ts';

const EXIT_HELP = `
Exit codes:
  0  success
  1  internal error (a bug in pith; please report it)
  2  usage error (unknown command or option, missing argument)
  3  bad input (config, source files, references)
  4  invalid image (validation failed, or a broken image was read)
  5  environment failure (disk, permissions, network)
  6  check failed (pin --check found unpinned references)`;

export function makeProgram(): Command {
  const program = new Command()
    .name('pith')
    .description('Build minimal (distroless / scratch) OCI images and prove they are minimal.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_HELP)
    .option(
      '--insecure-registry <host>',
      'allow plain HTTP to this registry host[:port] (repeatable; loopback never needs it)',
      (v, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--registry-ca-file <file>', 'trust the CA certificates in this PEM file for registries (TLS)')
    .exitOverride();
  program.hook('preAction', () => {
    const o = program.opts();
    setRemoteDefaults({
      insecure: o.insecureRegistry,
      ...(o.registryCaFile ? { caFile: o.registryCaFile } : {}),
    });
  });
  buildCommand(program);
  inspectCommand(program);
  validateCommand(program);
  presetsCommand(program);
  lockCommand(program);
  whyCommand(program);
  registryCommands(program);
  pinCommand(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** On SIGINT/SIGTERM: remove outputs still being written (nothing partial is left), exit 130/143. */
function onInterrupt(signal: NodeJS.Signals): void {
  abortPendingWrites();
  process.stderr.write(`pith: interrupted (${signal}); outputs still being written were removed\n`);
  // fs calls in flight on the thread pool (a mkdir, an open) can re-create a temporary path after the
  // first removal: let them settle, then remove again before exiting.
  setTimeout(() => {
    abortPendingWrites();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  }, 200);
}

/** Runs pith with arguments (without `node` and the script path); resolves to the exit code. */
export async function run(args: string[]): Promise<number> {
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  try {
    await makeProgram().parseAsync(args, { from: 'user' });
    return ExitCode.ok;
  } catch (err) {
    return report(err);
  }
}

function report(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander has already printed its message (or the help/version text)
    return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version'
      ? ExitCode.ok
      : ExitCode.usage;
  }
  if (isPithError(err)) {
    if (!err.details['reported']) process.stderr.write(`pith: ${err.message}\n`);
    if (err.kind === 'internal') process.stderr.write(`${err.stack ?? ''}\n`);
    return exitCodeFor(err.kind);
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC' || e?.code === 'EACCES' || e?.code === 'EROFS' || e?.code === 'EPERM') {
    process.stderr.write(`pith: ${messageOf(err)}\n`);
    return ExitCode.io;
  }
  process.stderr.write(`pith: internal error: ${messageOf(err)}\n${(err as Error)?.stack ?? ''}\n`);
  return ExitCode.internal;
}

if (import.meta.main) {
  process.exitCode = await run(process.argv.slice(2));
}
