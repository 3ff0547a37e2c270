// The secret rules: credentials that must never ship in an image, after gitleaks' and trivy's rule sets
// (`../shared/briefs/analyzers.md` §7), kept to the kinds with a recognisable shape so that ordinary files
// (Debian's packages' own) raise nothing. Each rule has a stable id, lowercase keywords (a cheap pre-filter:
// one must occur in the text), a pattern whose first group (or whole match) is the secret, an optional
// Shannon-entropy floor on it, and optionally the file names it applies to. Every repetition is bounded, so
// no file (at most 2 MiB) makes a pattern backtrack without end.
// Hand-written as data: the scan runs every rule over every text file of every layer in one streaming pass,
// which no rule library's per-file API does.

export interface SecretRule {
  id: string;
  /** A short name (gitleaks' where it has one). */
  name: string;
  keywords: string[];
  pattern: RegExp;
  /** Bits per character the secret must reach (placeholders like `xxxxxxxx` do not). */
  entropy?: number;
  /** Only files whose path matches. */
  path?: RegExp;
  /**
   * For a block secret: `pattern` finds where it begins, `end` where it ends; the secret is the text from
   * a begin to the first end after it, when that is 64 to 16384 characters long (found in one pass).
   */
  end?: RegExp;
}

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'PITH-S001',
    name: 'private-key',
    keywords: ['private key'],
    pattern: /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/g,
    end: /-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/g,
  },
  {
    id: 'PITH-S002',
    name: 'aws-access-key-id',
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    pattern: /\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/g,
    entropy: 3,
  },
  {
    id: 'PITH-S003',
    name: 'aws-secret-access-key',
    keywords: ['aws'],
    pattern:
      /aws_?(?:secret)?_?(?:access)?_?key["']?\s*(?::|=>|=)\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    entropy: 4,
  },
  {
    id: 'PITH-S004',
    name: 'github-token',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    pattern: /\b(gh[pousr]_[0-9a-zA-Z]{36}|github_pat_\w{82})\b/g,
    entropy: 3,
  },
  {
    id: 'PITH-S005',
    name: 'gitlab-token',
    keywords: ['glpat-'],
    pattern: /\b(glpat-[\w-]{20})\b/g,
    entropy: 3,
  },
  { id: 'PITH-S006', name: 'gcp-api-key', keywords: ['aiza'], pattern: /\b(AIza[\w-]{35})\b/g, entropy: 4 },
  {
    id: 'PITH-S007',
    name: 'gcp-service-account',
    keywords: ['service_account'],
    pattern: /"type"\s*:\s*"service_account"[\s\S]{0,4000}?"private_key"\s*:\s*"(-----BEGIN[^"]{64,16384})"/g,
  },
  {
    id: 'PITH-S008',
    name: 'slack-token',
    keywords: ['xox'],
    pattern: /\b(xox[baprs]-[0-9]{8,13}-[0-9a-zA-Z-]{8,256})\b/g,
    entropy: 3,
  },
  {
    id: 'PITH-S009',
    name: 'stripe-live-key',
    keywords: ['sk_live_', 'rk_live_'],
    pattern: /\b((?:sk|rk)_live_[a-zA-Z0-9]{20,99})\b/g,
    entropy: 3,
  },
  {
    id: 'PITH-S010',
    name: 'npm-token',
    keywords: ['npm_'],
    pattern: /\b(npm_[a-zA-Z0-9]{36})\b/g,
    entropy: 3,
  },
  {
    id: 'PITH-S011',
    name: 'npmrc-auth',
    keywords: ['_auth'],
    pattern: /_(?:authToken|auth|password)\s*=\s*["']?([^\s"'$]{8,1024})/g,
    path: /(^|\/)\.npmrc$/,
    entropy: 3,
  },
  {
    id: 'PITH-S012',
    name: 'pypi-token',
    keywords: ['pypi-'],
    pattern: /\b(pypi-AgEIcHlwaS5vcmc[\w-]{50,1000})/g,
  },
  {
    id: 'PITH-S013',
    name: 'pypirc-password',
    keywords: ['password'],
    pattern: /^\s*password\s*[=:]\s*(\S{6,1024})/gm,
    path: /(^|\/)\.pypirc$/,
  },
  {
    id: 'PITH-S014',
    name: 'registry-auth',
    keywords: ['"auth"'],
    pattern: /"auth"\s*:\s*"([A-Za-z0-9+/=]{8,4096})"/g,
    path: /(^|\/)(\.docker\/config\.json|containers\/auth\.json|\.dockercfg)$/,
  },
  {
    id: 'PITH-S015',
    name: 'jwt',
    keywords: ['eyj'],
    pattern: /\b(ey[a-zA-Z0-9]{17,4096}\.ey[a-zA-Z0-9/\\_-]{17,8192}\.[a-zA-Z0-9/\\_-]{10,4096}={0,2})/g,
    entropy: 3,
  },
  {
    id: 'PITH-S016',
    name: 'openai-or-anthropic-key',
    keywords: ['sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-ant-'],
    pattern:
      /\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,256}T3BlbkFJ[A-Za-z0-9_-]{20,256}|sk-ant-api03-[a-zA-Z0-9_-]{93}AA)\b/g,
  },
  {
    id: 'PITH-S017',
    name: 'git-credentials',
    keywords: ['@'],
    pattern: /https?:\/\/[^:\s/@]{1,256}:([^@\s]{4,256})@/g,
    path: /(^|\/)\.git-credentials$/,
  },
  {
    id: 'PITH-S018',
    name: 'netrc-password',
    keywords: ['password'],
    pattern: /\bpassword\s+(\S{4,1024})/g,
    path: /(^|\/)\.netrc$/,
  },
  {
    id: 'PITH-S019',
    name: 'dotenv-secret',
    keywords: ['secret', 'password', 'passwd', 'token', 'api_key', 'private_key', 'access_key'],
    pattern:
      /^\s*(?:export\s+)?[A-Za-z0-9_]{0,64}(?:SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY|ACCESS_KEY)[A-Za-z0-9_]{0,64}\s*=\s*["']?([^\s"'#]{8,1024})/gim,
    path: /(^|\/)\.env(\.[\w-]+)?$/,
    entropy: 3,
  },
  {
    id: 'PITH-S020',
    name: 'huggingface-token',
    keywords: ['hf_'],
    pattern: /\b(hf_[A-Za-z0-9]{34,40})\b/g,
    entropy: 3.5,
  },
];

/** A config variable named like a secret, with a value that looks like one. */
export const ENV_RULE: SecretRule = {
  id: 'PITH-S021',
  name: 'config-secret-variable',
  keywords: [],
  pattern: /$^/,
};

/** A variable whose name says it holds a secret (`DB_PASSWORD`, `NPM_TOKEN`): config Env, Dockerfile ENV/ARG. */
export const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;

/** Shannon entropy of a string, in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}
