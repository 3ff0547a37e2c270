// Transport references in skopeo's syntax: `oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]`,
// `docker-archive:FILE[:NAME[:TAG]|:@INDEX]`. Like containers/image, the path ends at the first ':' after
// the transport. A bare path is accepted where reading, and classified by what is on disk.
import { type Stats, statSync } from 'node:fs';
import { type ImageReference, isRefName, parseReference } from '../oci/index.ts';
import { asSystemError, errnoOf, PithError } from '../util/index.ts';

export type TransportRef =
  | { transport: 'oci'; path: string; tag?: string }
  | { transport: 'oci-archive'; path: string; tag?: string }
  | { transport: 'docker-archive'; path: string; name?: ImageReference; index?: number }
  | { transport: 'docker'; ref: ImageReference };

export const TRANSPORTS = ['oci', 'oci-archive', 'docker-archive', 'docker'] as const;

/** Parses a transport reference; with `allowBarePath`, an existing path without transport is accepted. */
export function parseTransportRef(text: string, opts: { allowBarePath?: boolean } = {}): TransportRef {
  const colon = text.indexOf(':');
  const transport = colon < 0 ? '' : text.slice(0, colon);
  if (!(TRANSPORTS as readonly string[]).includes(transport))
    return barePath(text, opts.allowBarePath === true);
  if (transport === 'docker') {
    if (!text.startsWith('docker://'))
      throw refError(text, 'a registry reference is written docker://HOST/REPO[:TAG][@DIGEST]');
    return { transport: 'docker', ref: parseReference(text.slice('docker://'.length)) };
  }
  const rest = text.slice(colon + 1);
  const sep = rest.indexOf(':');
  const path = sep < 0 ? rest : rest.slice(0, sep);
  const suffix = sep < 0 ? undefined : rest.slice(sep + 1);
  if (path === '') throw refError(text, 'the path is empty');
  if (transport === 'docker-archive') return dockerArchiveRef(text, path, suffix);
  if (suffix !== undefined && !isRefName(suffix))
    throw refError(text, `"${suffix}" is not a valid tag (letters, digits and - . _ : @ + /)`);
  return { transport, path, ...(suffix ? { tag: suffix } : {}) } as TransportRef;
}

function dockerArchiveRef(text: string, path: string, suffix: string | undefined): TransportRef {
  if (suffix === undefined || suffix === '') return { transport: 'docker-archive', path };
  if (suffix.startsWith('@')) {
    const index = Number(suffix.slice(1));
    if (!Number.isInteger(index) || index < 0)
      throw refError(text, `"${suffix}" is not an image index (@0, @1, …)`);
    return { transport: 'docker-archive', path, index };
  }
  const name = parseReference(suffix);
  if (name.digest) throw refError(text, 'a docker-archive name cannot contain a digest');
  return { transport: 'docker-archive', path, name };
}

function barePath(text: string, allowed: boolean): TransportRef {
  const hint = `use one of ${TRANSPORTS.map((t) => (t === 'docker' ? 'docker://HOST/REPO:TAG' : `${t}:PATH`)).join(', ')}`;
  if (!allowed) throw refError(text, `no transport given; ${hint}`);
  let s: Stats;
  try {
    s = statSync(text);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR')
      throw refError(text, `no such file or directory, and no transport given; ${hint}`);
    throw asSystemError(err, { action: `read ${text}` });
  }
  return s.isDirectory() ? { transport: 'oci', path: text } : { transport: 'docker-archive', path: text };
}

function refError(text: string, why: string): PithError {
  return new PithError('input', 'BAD_TRANSPORT_REF', `"${text}": ${why}`);
}
