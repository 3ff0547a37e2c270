// The options of a command that reads a Debian suite outside a config (--mirror, --security-mirror,
// --keyring), declared once for scan, debug and ldd, and what they ask of the API: the request's `mirror`
// and `keyrings`, each only when given.
import type { Command, OptionValues } from '@commander-js/extra-typings';

/** Collects a repeatable option's values. */
export const repeat = (v: string, prev: string[]) => [...prev, v];

/** Adds --mirror, --security-mirror and --keyring to a command. */
export function withSuiteOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd
    .option('--mirror <url>', 'Debian archive mirror (default: from the host apt sources)')
    .option('--security-mirror <url>', 'Debian security mirror (default: from the host apt sources)')
    .option(
      '--keyring <file>',
      'trust this OpenPGP keyring for the suite (repeatable)',
      repeat,
      [] as string[],
    );
}

export interface SuiteOptions {
  mirror?: string;
  securityMirror?: string;
  keyring: string[];
}

export function suiteSource(opts: SuiteOptions): {
  mirror?: { archive?: string; security?: string };
  keyrings?: string[];
} {
  const mirror = {
    ...(opts.mirror ? { archive: opts.mirror } : {}),
    ...(opts.securityMirror ? { security: opts.securityMirror } : {}),
  };
  return {
    ...(Object.keys(mirror).length ? { mirror } : {}),
    ...(opts.keyring.length ? { keyrings: opts.keyring } : {}),
  };
}
