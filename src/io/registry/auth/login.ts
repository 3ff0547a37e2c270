// `pith login` / `pith logout`: store or remove a registry's credentials where docker and podman look for
// them: through the file's credential helper when it names one, else as a base64 `auth` entry.

import { type AuthFile, readAuthFile, writeAuthFile } from './auth-file.ts';
import { helperErase, helperStore } from './cred-helper.ts';
import { helperServerUrl, registryKeys } from './credentials.ts';

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
