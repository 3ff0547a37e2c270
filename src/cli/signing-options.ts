// The signing flags `pith sign` and `pith build` share, as cosign spells them: --key FILE, or --keyless
// with the OIDC token and the Fulcio and Rekor URLs; and what they become in the API's SigningOptions.
import type { Command, OptionValues } from '@commander-js/extra-typings';
import type { SigningOptions } from '../api/index.ts';

export interface SigningFlags {
  keyless?: boolean;
  identityToken?: string;
  fulcioUrl?: string;
  rekorUrl?: string;
}

/** Adds --keyless, --identity-token, --fulcio-url and --rekor-url (the key flag is the command's own). */
export function withKeylessOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd
    .option('--keyless', 'sign keyless: a Fulcio certificate for the OIDC identity, logged in Rekor')
    .option('--identity-token <token>', 'the OIDC identity token for --keyless (default: $SIGSTORE_ID_TOKEN)')
    .option('--fulcio-url <url>', "Fulcio's base URL (default: sigstore's public instance)")
    .option('--rekor-url <url>', "Rekor's base URL (default: sigstore's public instance)");
}

/** The API's signing options from the flags; undefined when neither a key nor --keyless was given. */
export function signingOptions(key: string | undefined, f: SigningFlags): SigningOptions | undefined {
  if (!key && !f.keyless) return undefined;
  return {
    ...(key ? { key } : {}),
    ...(f.keyless ? { keyless: true } : {}),
    ...(f.identityToken ? { identityToken: f.identityToken } : {}),
    ...(f.fulcioUrl ? { fulcioUrl: f.fulcioUrl } : {}),
    ...(f.rekorUrl ? { rekorUrl: f.rekorUrl } : {}),
  };
}
