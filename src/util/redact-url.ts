// URLs as messages show them: credentials never reach the user, a log or another host's error text. One
// rule for every client (registries, the Debian mirror): user information and fragments are dropped, and
// query values other than a few known-harmless ones (signed-URL signatures and upload states are secrets)
// are replaced.

/** Query parameters whose values are not secrets. */
const SAFE_QUERY = new Set(['service', 'scope', 'n', 'last', 'digest', 'mount', 'from', 'tag', 'ns']);

/** A URL fit for messages: no user information, no fragment, query values other than SAFE_QUERY hidden. */
export function redactUrl(u: URL | string): string {
  let url: URL;
  try {
    url = new URL(String(u));
  } catch {
    return '<invalid URL>';
  }
  url.username = '';
  url.password = '';
  url.hash = '';
  if (url.search) {
    const q = new URLSearchParams();
    for (const [k, v] of url.searchParams) q.append(k, SAFE_QUERY.has(k.toLowerCase()) ? v : 'REDACTED');
    url.search = q.toString();
  }
  return url.toString();
}
