// openpgp.js, loaded on first use: most commands (inspect, copy, builds from files alone) never verify a
// signature, and importing it costs every process start tens of milliseconds.
import type * as OpenPGP from 'openpgp';

let loaded: Promise<typeof OpenPGP> | undefined;

/** The openpgp module, imported once. */
export function openpgp(): Promise<typeof OpenPGP> {
  loaded ??= import('openpgp');
  return loaded;
}
