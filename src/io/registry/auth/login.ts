// `pith login` / `pith logout`: check credentials against the registry as `docker login` does, then store
// (or remove) them where docker and podman look for them: through the file's credential helper when it
// names one, else as a base64 `auth` entry.
import { PithError } from '../../../util/index.ts';
import { RegistryError, type RegistryTransport } from '../transport/index.ts';
import { type AuthFile, readAuthFile, writeAuthFile } from './auth-file.ts';
import { helperErase, helperStore } from './cred-helper.ts';
import { helperServerUrl, registryKeys } from './credentials.ts';

/** What a registry (or its token realm) answers wrong credentials with. */
const REFUSALS = new Set(['UNAUTHORIZED', 'DENIED']);

/**
 * Checks the credentials a transport carries as `docker login` does: GET /v2/ through the registry's
 * challenge (Basic sends them; Bearer fetches a token with them). A refusal (UNAUTHORIZED, DENIED) rejects with
 * LOGIN_REFUSED ('input'); an unreachable registry with its network error ('io').
 */
export async function verifyLogin(transport: RegistryTransport, username: string): Promise<void> {
  try {
    await (await transport.request({ method: 'GET', path: '/v2/', scope: '' })).drain();
  } catch (err) {
    const refused =
      err instanceof RegistryError && (err.status === 401 || err.status === 403 || REFUSALS.has(err.code));
    if (!refused) throw err;
    throw new PithError(
      'input',
      'LOGIN_REFUSED',
      `${transport.registry} refused the credentials of ${username} (${err.message}); nothing was saved`,
      { cause: err },
    );
  }
}

/** Saves credentials for a registry in an auth file (or its helper). */
export async function saveLogin(
  path: string,
  registry: string,
  username: string,
  password: string,
): Promise<void> {
  const file: AuthFile = (await readAuthFile(path)) ?? {};
  const helper =
    registryKeys(registry)
      .map((k) => file.credHelpers?.[k])
      .find(Boolean) ?? file.credsStore;
  if (helper) {
    await helperStore(helper, helperServerUrl(registry), username, password);
    return;
  }
  const auths = { ...file.auths };
  for (const k of registryKeys(registry)) delete auths[k];
  auths[registryKeys(registry)[0]!] = { auth: Buffer.from(`${username}:${password}`).toString('base64') };
  await writeAuthFile(path, { ...file, auths });
}

/** Removes a registry's credentials; resolves false when there were none. */
export async function removeLogin(path: string, registry: string): Promise<boolean> {
  const file = await readAuthFile(path);
  if (!file) return false;
  const helper =
    registryKeys(registry)
      .map((k) => file.credHelpers?.[k])
      .find(Boolean) ?? file.credsStore;
  if (helper) {
    await helperErase(helper, helperServerUrl(registry));
    return true;
  }
  const auths = { ...file.auths };
  const had = registryKeys(registry).filter((k) => k in auths);
  for (const k of had) delete auths[k];
  if (had.length) await writeAuthFile(path, { ...file, auths });
  return had.length > 0;
}
