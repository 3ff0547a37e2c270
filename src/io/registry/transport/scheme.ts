// Which scheme a registry is spoken to with (oci.md §12, §16): https, unless the host is loopback
// (127.0.0.0/8, ::1, localhost) or marked insecure; those use plain http directly, as crane's insecure mode
// does for a local registry, with no https attempt first. `https://host` forces TLS even on loopback (a
// local registry with a certificate); `http://host` for any other host is refused before any network I/O.
import { isIP } from 'node:net';
import { PithError } from '../../../util/index.ts';

export type Scheme = 'https' | 'http';

/** Where a registry is reached. */
export interface Endpoint {
  scheme: Scheme;
  /** host[:port], lower case, IPv6 in brackets: the key credentials are looked up under. */
  host: string;
  /** `scheme://host[:port]`, as URL.origin spells it. */
  origin: string;
}

/** True for 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`; hostnames as URL.hostname gives them. */
export function isLoopback(hostname: string): boolean {
  let h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost') return true;
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) !== 6) return false;
  h = new URL(`http://[${h}]`).hostname.slice(1, -1); // canonical form: 0:0::1 → ::1
  return h === '::1' || /^::ffff:7f[0-9a-f]{2}:/.test(h);
}

/** True when plain http may be used for a host: loopback always, any host when marked insecure. */
export function plainHttpAllowed(hostname: string, insecure = false): boolean {
  return insecure || isLoopback(hostname);
}

/** Parses `host[:port]` (or `https://…` / `http://…`) and decides the scheme. Throws PithError 'input'. */
export function endpointFor(registry: string, insecure = false): Endpoint {
  const given = registry.trim();
  const m = /^(https?):\/\/(.*)$/i.exec(given);
  const explicit = m ? (m[1]!.toLowerCase() as Scheme) : undefined;
  const rest = (m ? m[2]! : given).replace(/\/+$/, '');
  if (rest.includes('@')) {
    // never echo the string: it may hold a password
    throw new PithError('input', 'BAD_REGISTRY', 'a registry is host[:port], without user information');
  }
  let url: URL | undefined;
  try {
    url = new URL(`http://${rest}`);
  } catch {
    url = undefined;
  }
  if (!url || rest === '' || /[/?#\s]/.test(rest) || url.hostname === '') {
    throw new PithError('input', 'BAD_REGISTRY', `"${given}" is not a registry host[:port]`);
  }
  const host = url.host;
  if (explicit === 'http' && !plainHttpAllowed(url.hostname, insecure)) {
    throw new PithError(
      'input',
      'PLAIN_HTTP_REFUSED',
      `refusing plain http for ${host}: it is not a loopback address; mark the registry insecure to allow it`,
      { details: { registry: host } },
    );
  }
  const scheme: Scheme = explicit ?? (plainHttpAllowed(url.hostname, insecure) ? 'http' : 'https');
  return { scheme, host, origin: new URL(`${scheme}://${host}`).origin };
}

/** The scheme a registry is spoken to with (see endpointFor). */
export function schemeFor(registry: string, insecure = false): Scheme {
  return endpointFor(registry, insecure).scheme;
}
