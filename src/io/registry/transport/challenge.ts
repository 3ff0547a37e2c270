// WWW-Authenticate parsing (RFC 7235 §4.1, §2.1; oci.md §13 "Challenge flow"): several challenges in one
// header, case-insensitive schemes and parameter names, BWS around "=", quoted strings with backslash
// escapes (commas inside quotes are data), token68 credentials. Lenient where registries are sloppy: an
// unquoted value runs to the next comma or space, so `realm=https://auth/token` parses.

/** One challenge; `scheme` and parameter names are lower case. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
  /** The token68 form (`Negotiate abc==`), when a challenge carries one instead of parameters. */
  token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;
const isSpace = (c: string | undefined) => c === ' ' || c === '\t';

/** Parses a WWW-Authenticate (or Proxy-Authenticate) value into its challenges, in order. */
export function parseChallenge(header: string): Challenge[] {
  const out: Challenge[] = [];
  const s = header;
  let i = 0;
  let current: Challenge | undefined;
  const skipSpace = () => {
    while (isSpace(s[i])) i++;
  };
  const token = () => {
    const start = i;
    while (i < s.length && TCHAR.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    while (isSpace(s[i]) || s[i] === ',') i++;
    if (i >= s.length) break;
    const name = token();
    if (name === '') {
      i++; // a stray character: skip it
      continue;
    }
    const afterName = i;
    skipSpace();
    if (s[i] === '=' && current) {
      i++;
      skipSpace();
      const value = s[i] === '"' ? quoted() : unquoted();
      const key = name.toLowerCase();
      if (!(key in current.params)) current.params[key] = value;
      continue;
    }
    current = { scheme: name.toLowerCase(), params: {} };
    out.push(current);
    i = afterName;
    skipSpace();
    const t68 = TOKEN68.exec(s.slice(i));
    if (t68) {
      let j = i + t68[0].length;
      while (isSpace(s[j])) j++;
      if (j >= s.length || s[j] === ',') {
        current.token68 = t68[0];
        i = j;
      }
    }
  }
  return out;

  function quoted(): string {
    let v = '';
    i++; // opening quote
    while (i < s.length) {
      const c = s[i]!;
      if (c === '\\' && i + 1 < s.length) {
        v += s[i + 1];
        i += 2;
      } else if (c === '"') {
        i++;
        break;
      } else {
        v += c;
        i++;
      }
    }
    return v;
  }

  function unquoted(): string {
    const start = i;
    while (i < s.length && s[i] !== ',' && !isSpace(s[i])) i++;
    return s.slice(start, i);
  }
}

/** The challenge pith can answer: Bearer with an http(s) realm first, then Basic; else undefined. */
export function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return (
    challenges.find((c) => c.scheme === 'bearer' && isHttpUrl(c.params['realm'])) ??
    challenges.find((c) => c.scheme === 'basic')
  );
}

function isHttpUrl(v: string | undefined): boolean {
  return v !== undefined && /^https?:\/\//i.test(v) && URL.canParse(v);
}
