// What an SBOM calls the image an inventory was read from: its name (the reference without transport, tag
// or digest), the name its `pkg:oci` purl carries (the repository's last component, lowercase) and, for a
// registry reference, the repository as `repository_url`. References use skopeo's transport syntax
// (`docker://…`, `oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]`, `docker-archive:FILE[:NAME[:TAG]]`, a bare path).
import { familiarName, parseReference } from '../oci/index.ts';
import type { Digest } from '../util/index.ts';
import { ociPurl } from './purl.ts';

export interface ImageName {
  /** e.g. `registry.example:5000/team/app`, `busybox`, `out/hello`. */
  name: string;
  /** The purl name: `app`, `busybox`, `hello`. */
  purlName: string;
  /** `registry.example:5000/team/app`, for a registry reference only. */
  repositoryUrl?: string;
}

const TRANSPORTS = new Set(['oci', 'oci-archive', 'docker-archive']);
const ARCHIVE_SUFFIX = /\.(?:tar(?:\.(?:gz|zst|zstd|xz|bz2))?|tgz|oci)$/i;

/** The name parts of a reference as `inventory` reports it. */
export function imageName(reference: string): ImageName {
  if (reference.startsWith('docker://')) {
    const ref = tryParse(reference.slice('docker://'.length));
    if (ref) {
      const repositoryUrl = `${ref.registry}/${ref.repository}`;
      return {
        name: familiarName({ ...ref, tag: undefined }),
        purlName: lastSegment(ref.repository),
        repositoryUrl,
      };
    }
    return fromPath(reference.slice('docker://'.length));
  }
  const colon = reference.indexOf(':');
  const transport = colon < 0 ? '' : reference.slice(0, colon);
  if (!TRANSPORTS.has(transport)) return fromPath(reference);
  const rest = reference.slice(colon + 1);
  const sep = rest.indexOf(':');
  const path = sep < 0 ? rest : rest.slice(0, sep);
  const suffix = sep < 0 ? '' : rest.slice(sep + 1);
  if (transport === 'docker-archive' && suffix !== '' && !suffix.startsWith('@')) {
    const ref = tryParse(suffix);
    if (ref) return { name: familiarName({ ...ref, tag: undefined }), purlName: lastSegment(ref.repository) };
  }
  return fromPath(path);
}

/** The image's `pkg:oci` purl for `digest`. */
export function imagePurl(
  name: ImageName,
  digest: Digest,
  qualifiers: { arch?: string | undefined } = {},
): string {
  return ociPurl(name.purlName, digest, { repositoryUrl: name.repositoryUrl, arch: qualifiers.arch });
}

function tryParse(text: string) {
  try {
    return parseReference(text);
  } catch {
    return undefined;
  }
}

function fromPath(path: string): ImageName {
  const trimmed = path.replace(/\/+$/, '') || path;
  const base = lastSegment(trimmed).replace(ARCHIVE_SUFFIX, '');
  return { name: trimmed, purlName: base === '' || base === '.' || base === '..' ? 'image' : base };
}

function lastSegment(path: string): string {
  return (path.split('/').pop() ?? path).toLowerCase();
}
