// The pith command line: parses arguments, calls the API facade, and turns errors into one clear line and
// a documented exit code. Stack traces are printed only for bugs (errors that are not PithErrors).
import { Command, CommanderError } from '@commander-js/extra-typings';
import {
  fromSystemError,
  isPithError,
  messageOf,
  PITH_TOOL,
  type PithError,
  removePendingTemps,
} from '../util/index.ts';
import { auditCommand } from './commands/audit.ts';
import { buildCommand } from './commands/build.ts';
import { compareCommand } from './commands/compare.ts';
import { debugCommands } from './commands/debug.ts';
import { diffCommand } from './commands/diff.ts';
import { importCommand } from './commands/import.ts';
import { inspectCommand, validateCommand } from './commands/inspect.ts';
import { inventoryCommand } from './commands/inventory.ts';
import { lddCommand } from './commands/ldd.ts';
import { lintCommand } from './commands/lint.ts';
import { lockCommand, whyCommand } from './commands/lock.ts';
import { mirrorCommand } from './commands/mirror.ts';
import { policyCommand } from './commands/policy.ts';
import { presetsCommand } from './commands/presets.ts';
import { pinCommand, registryCommands } from './commands/registry.ts';
import { sbomCommand } from './commands/sbom.ts';
import { scanCommand } from './commands/scan.ts';
import { signCommands } from './commands/sign.ts';
import { verifyCommand } from './commands/verify.ts';
import { vexCommand } from './commands/vex.ts';
import { ExitCode, exitCodeFor } from './exit-codes.ts';
import { tuneMemory } from './memory.ts';
import { type ErrorReport, errorJson, ReportedFailure } from './output.ts';
import { cliContext } from './pith-for.ts';

const EXIT_HELP = `
Exit codes:
  0  success
  1  internal error (a bug in pith; please report it)
  2  usage error (unknown command or option, missing argument)
  3  bad input (config, source files, references)
  4  invalid image (validation failed, or a broken image was read)
  5  environment failure (disk, permissions, network: unreachable, or retries exhausted)
  6  check failed (pin --check found unpinned references)
  130, 143  interrupted (SIGINT, SIGTERM); outputs being written are removed`;

export function makeProgram(signal: AbortSignal = new AbortController().signal): Command {
  const program = new Command()
    .name('pith')
    .description('Build minimal (distroless / scratch) OCI images and prove they are minimal.')
    .version(PITH_TOOL.version)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_HELP)
    .option(
      '--insecure-registry <host>',
      'allow plain HTTP to this registry host[:port] (repeatable; loopback never needs it)',
      (v, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--registry-ca-file <file>', 'trust the CA certificates in this PEM file for registries (TLS)')
    .option(
      '--network-timeout <seconds>',
      'give up an attempt (and retry) after this long without a byte either way; default 30, or PITH_NETWORK_TIMEOUT',
    )
    .exitOverride();
  const cli = cliContext(program as unknown as Command, signal);
  buildCommand(program, cli);
  inspectCommand(program, cli);
  validateCommand(program, cli);
  inventoryCommand(program, cli);
  importCommand(program, cli);
  sbomCommand(program, cli);
  scanCommand(program, cli);
  auditCommand(program, cli);
  compareCommand(program, cli);
  diffCommand(program, cli);
  debugCommands(program, cli);
  policyCommand(program, cli);
  lintCommand(program, cli);
  lddCommand(program, cli);
  signCommands(program, cli);
  verifyCommand(program, cli);
  vexCommand(program, cli);
  presetsCommand(program, cli);
  lockCommand(program, cli);
  mirrorCommand(program, cli);
  whyCommand(program, cli);
  registryCommands(program, cli);
  pinCommand(program, cli);
  for (const c of program.commands) c.exitOverride();
  return program;
}

/**
 * On SIGINT/SIGTERM: cancel the command (its signal fires; it removes what it was writing), give it a
 * moment to settle, remove any temporary output still left, exit 130/143. A second signal exits at once.
 */
function interruptHandler(controller: AbortController) {
  return (signal: NodeJS.Signals): void => {
    const code = signal === 'SIGINT' ? 130 : 143;
    const exit = () => {
      removePendingTemps();
      process.exit(code);
    };
    // a second signal ends pith at once (the first one's timer may not get a turn on a busy thread)
    for (const again of ['SIGINT', 'SIGTERM'] as const) process.once(again, exit);
    controller.abort(new Interrupted(signal, code));
    removePendingTemps();
    process.stderr.write(`pith: interrupted (${signal}); outputs still being written were removed\n`);
    // fs calls in flight on the thread pool (a mkdir, an open) can re-create a temporary path after the
    // first removal: let them settle, then remove again before exiting.
    setTimeout(exit, 200);
  };
}

/** The reason of an interrupted command's signal: which signal, and the exit code it means. */
class Interrupted extends Error {
  readonly exitCode: number;
  constructor(signal: NodeJS.Signals, exitCode: number) {
    super(`interrupted (${signal})`);
    this.exitCode = exitCode;
  }
}

/** Runs pith with arguments (without `node` and the script path); resolves to the exit code. */
export async function run(args: string[]): Promise<number> {
  tuneMemory();
  const json = wantsJson(args);
  const controller = new AbortController();
  const onInterrupt = interruptHandler(controller);
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  process.stdout.on('error', onStdoutError);
  // an error emitted where nobody listens (a stream's late 'error') is reported like any other failure,
  // never as Node's default crash with a stack
  const uncaught = (err: unknown) => {
    removePendingTemps(); // nothing partial is left, as for any other failure
    process.exit(report(err, json));
  };
  process.once('uncaughtException', uncaught);
  process.once('unhandledRejection', uncaught);
  try {
    await makeProgram(controller.signal).parseAsync(args, { from: 'user' });
    return ExitCode.ok;
  } catch (err) {
    // interrupted: the handler has said so on stderr, and the command's ABORTED is no second failure
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && reason instanceof Interrupted) return reason.exitCode;
    return report(err, json);
  }
}

/** `--json` before any `--`: failures are then also printed as a JSON object on stdout. */
function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

/** A reader that stops early (`pith … | head`) is not a failure of pith. */
function onStdoutError(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.ok);
  process.stderr.write(`pith: cannot write the output: ${err.message}\n`);
  process.exit(ExitCode.io);
}

/**
 * Turns any failure into one line on stderr (and with --json an object on stdout) and its exit code. A
 * system error that no caller named still gets its errno's kind and message; only bugs print a stack.
 */
function report(err: unknown, json: boolean): number {
  const r = describe(err);
  if (r.exitCode === ExitCode.ok) return r.exitCode;
  if (!r.printed) process.stderr.write(`pith: ${r.message}\n`);
  if (r.stack) process.stderr.write(`${r.stack}\n`);
  if (json && !r.reported) process.stdout.write(errorJson(r));
  return r.exitCode;
}

interface Described extends ErrorReport {
  /** Already on stderr (commander prints its own errors). */
  printed?: boolean;
  /** The result was already printed (validate prints its report, then fails). */
  reported?: boolean;
  stack?: string;
}

function describe(err: unknown): Described {
  if (err instanceof CommanderError) return describeUsage(err);
  if (err instanceof ReportedFailure) {
    const { code, kind, message } = err.failure;
    return { code, kind, exitCode: exitCodeFor(kind), message, details: {}, printed: true, reported: true };
  }
  const e: PithError | undefined = isPithError(err) ? err : fromSystemError(err);
  if (e) {
    return {
      code: e.code,
      kind: e.kind,
      exitCode: exitCodeFor(e.kind),
      message: e.message,
      details: e.details,
      ...(e.kind === 'internal' ? { stack: e.stack ?? '' } : {}),
    };
  }
  return {
    code: 'INTERNAL',
    kind: 'internal',
    exitCode: ExitCode.internal,
    message: `internal error: ${messageOf(err)}`,
    details: {},
    stack: (err as Error)?.stack ?? '',
  };
}

/** commander has already printed its message (or the help or version text). */
function describeUsage(err: CommanderError): Described {
  const done =
    err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
  const name = err.code.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `_${c}`);
  return {
    code: name.toUpperCase(),
    kind: 'usage',
    exitCode: done ? ExitCode.ok : ExitCode.usage,
    message: err.message.replace(/^error: /, ''),
    details: {},
    printed: true,
  };
}

if (import.meta.main) {
  process.exitCode = await run(process.argv.slice(2));
}
