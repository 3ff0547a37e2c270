// The pith instance one command runs with: the global flags (--insecure-registry, --registry-ca-file,
// --network-timeout), the command's own (--cache-dir, --offline), the process's interrupt signal, and its
// progress rendered on stderr. The environment's defaults are read by createPith, as for any library user.
import type { Command } from '@commander-js/extra-typings';
import { createPith, type Pith } from '../api/index.ts';
import { parseNetworkTimeout } from '../util/index.ts';
import type { Output } from './output.ts';

/** What a command needs from the program: its instance of pith. */
export interface CliContext {
  pith(local?: { cacheDir?: string | undefined; offline?: boolean | undefined }, out?: Output): Pith;
}

export function cliContext(program: Command, signal: AbortSignal): CliContext {
  return {
    pith(local = {}, out) {
      const o = program.opts() as {
        insecureRegistry?: string[];
        registryCaFile?: string;
        networkTimeout?: string;
      };
      const timeout = o.networkTimeout;
      return createPith({
        ...(local.cacheDir ? { cacheDir: local.cacheDir } : {}),
        ...(local.offline ? { offline: true } : {}),
        registries: {
          insecure: o.insecureRegistry ?? [],
          ...(o.registryCaFile ? { caFile: o.registryCaFile } : {}),
        },
        ...(timeout !== undefined
          ? { networkTimeoutMs: parseNetworkTimeout(timeout, '--network-timeout', 'usage') }
          : {}),
        signal,
        ...(out ? { onEvent: (e) => out.event(e) } : {}),
      });
    },
  };
}
