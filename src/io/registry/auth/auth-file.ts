// docker's config.json and podman's auth.json: the same `auths` / `credHelpers` / `credsStore` shape.
// Reading looks a registry up under every key docker and podman use for it; writing keeps every other
// field of the file as it was and replaces the file atomically, readable by its owner only.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PithError, writeFileAtomic } from '../../../util/index.ts';
import { helperGet } from './cred-helper.ts';
import { type Credentials, helperServerUrl, registryKeys } from './credentials.ts';

export interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface AuthFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
  [other: string]: unknown;
}

/** Reads an auth file; undefined if it does not exist. */
export async function readAuthFile(path: string): Promise<AuthFile | undefined> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) =>
    e.code === 'ENOENT' ? undefined : Promise.reject(e),
  );
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as AuthFile;
  } catch (cause) {
    throw new PithError('input', 'BAD_AUTH_FILE', `${path}: not a valid auth file (JSON object expected)`, {
      cause,
    });
  }
}

/** The credentials an auth file gives for a registry: its credHelper, its auths entry, then credsStore. */
export async function credentialsFrom(file: AuthFile, registry: string): Promise<Credentials | undefined> {
  const keys = registryKeys(registry);
  const helper = keys.map((k) => file.credHelpers?.[k]).find(Boolean);
  if (helper) return helperGet(helper, helperServerUrl(registry));
  const entry = keys.map((k) => file.auths?.[k]).find(Boolean);
  if (entry) {
    const fromEntry = entryCredentials(entry);
    if (fromEntry) return fromEntry;
  }
  if (file.credsStore) return helperGet(file.credsStore, helperServerUrl(registry));
  return undefined;
}

function entryCredentials(e: AuthEntry): Credentials | undefined {
  if (e.identitytoken) return { identityToken: e.identitytoken };
  if (e.registrytoken) return { registryToken: e.registrytoken };
  if (e.auth) {
    const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
  }
  if (e.username && e.password) return { username: e.username, password: e.password };
  return undefined;
}

/** Writes an auth file atomically with mode 0600, creating its directory (0700) if needed. */
export async function writeAuthFile(path: string, file: AuthFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, Buffer.from(`${JSON.stringify(file, null, '\t')}\n`), { mode: 0o600 });
}
