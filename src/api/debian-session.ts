// A Debian session for a verb that reads a suite outside a config (scan's updates, debug's busybox): the
// mirrors and keyrings its request names, the context's cache, offline mode, network settings and events.
import { DebianSession } from '../apt-repo/index.ts';
import type { Context } from './context.ts';

/** Where a verb reads a suite from: mirrors and keyrings as a config's `mirror:` and `keyring:` give them. */
export interface SuiteSource {
  /** Mirrors to read the suite from (default: the host's apt sources), as in a config's `mirror:`. */
  mirror?: { archive?: string; security?: string };
  /** OpenPGP keyrings trusted for the suite (default: Debian's archive keys shipped with pith). */
  keyrings?: string[];
}

export function debianSession(ctx: Context, suite: string, from: SuiteSource): DebianSession {
  return new DebianSession({
    suite,
    ...(from.mirror ? { mirrors: from.mirror } : {}),
    ...(from.keyrings?.length ? { keyrings: from.keyrings } : {}),
    cacheDir: ctx.settings.cacheDir,
    offline: ctx.settings.offline,
    network: ctx.network(),
    onEvent: (e) => ctx.emit(e),
  });
}
