// Image references in the distribution/reference grammar: `[host[:port]/]path[:tag][@digest]`, with
// Docker's normalisation (docker.io, library/, latest) for the names stored in archives.
import { type Digest, isDigest, PithError } from '../util/index.ts';

export interface ImageReference {
  /** Registry host with optional port, e.g. `docker.io`, `localhost:5000`. */
  registry: string;
  /** Repository path, e.g. `library/busybox`. */
  repository: string;
  tag?: string;
  digest?: Digest;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const DEFAULT_REGISTRY = 'docker.io';

/** Parses a reference and normalises it the way Docker does (`busybox` → `docker.io/library/busybox`). */
export function parseReference(text: string): ImageReference {
  const bad = (why: string): never => {
    throw new PithError('input', 'BAD_REFERENCE', `"${text}" is not an image reference: ${why}`);
  };
  let rest = text;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    if (!isDigest(d)) bad(`"${d}" is not a valid digest`);
    digest = d as Digest;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) bad(`tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }
  const { registry, repository } = splitRegistry(rest, bad);
  for (const c of repository.split('/'))
    if (!PATH_COMPONENT.test(c))
      bad(`path component "${c}" must be lowercase letters, digits and separators`);
  if (registry.length + repository.length + 1 > 255) bad('name is longer than 255 characters');
  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

// distribution/reference: domain = host (":" port)?, host = domain-name | "[" IPv6 "]"
const HOST_RE =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
/** Names Docker rewrites to docker.io. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

function splitRegistry(name: string, bad: (why: string) => never): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isHost =
    first !== '' &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  if (!isHost) return { registry: DEFAULT_REGISTRY, repository: slash < 0 ? `library/${name}` : name };
  if (!HOST_RE.test(first)) bad(`"${first}" is not a registry host[:port]`);
  const rest = name.slice(slash + 1);
  if (!DOCKER_HUB_ALIASES.has(first)) return { registry: first, repository: rest };
  return { registry: DEFAULT_REGISTRY, repository: rest.includes('/') ? rest : `library/${rest}` };
}
/** Full text of a reference: `registry/repository[:tag][@digest]`. */
export function formatReference(r: ImageReference): string {
  return `${r.registry}/${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** The short, familiar form Docker prints (`busybox:latest`, `localhost:5000/a/b:1`). */
export function familiarName(r: ImageReference): string {
  let repo =
    r.registry === DEFAULT_REGISTRY
      ? r.repository.replace(/^library\//, '')
      : `${r.registry}/${r.repository}`;
  if (r.tag) repo += `:${r.tag}`;
  return repo;
}

/** The reference with `latest` as tag when it has neither tag nor digest. */
export function withDefaultTag(r: ImageReference): ImageReference {
  return r.tag || r.digest ? r : { ...r, tag: 'latest' };
}
