// The Dockerfile rules: stable ids, severities (hadolint's words: error, warning, info), what each is about,
// its fix, and the hadolint rule it corresponds to where there is one (`../shared/briefs/analyzers.md` §5).
// PITH-D001…D010 are about minimal images (the final stage); the rest are the hygiene rules that apply.

export const LINT_SEVERITIES = ['error', 'warning', 'info'] as const;
export type LintSeverity = (typeof LINT_SEVERITIES)[number];

export interface LintRule {
  severity: LintSeverity;
  title: string;
  fix: string;
  hadolint?: string;
}

export const LINT_RULES = {
  'PITH-D001': {
    severity: 'warning',
    title: 'Base image not pinned by digest',
    fix: 'Pin it: `pith pin Dockerfile` rewrites FROM NAME:TAG to NAME:TAG@sha256:…',
  },
  'PITH-D002': {
    severity: 'error',
    title: 'Base image not on the approved list',
    fix: 'Build on an approved base (the policy’s approvedBases, or --approved).',
    hadolint: 'DL3026',
  },
  'PITH-D003': {
    severity: 'warning',
    title: 'Shell-form ENTRYPOINT or CMD',
    fix: 'Use the exec form, a JSON array: ["/app", "--flag"]; a shell form needs /bin/sh and does not forward signals.',
    hadolint: 'DL3025',
  },
  'PITH-D004': {
    severity: 'warning',
    title: 'The final stage runs as root',
    fix: 'Add USER with a non-root numeric uid (65532), or build on a nonroot base.',
    hadolint: 'DL3002',
  },
  'PITH-D005': {
    severity: 'info',
    title: 'Non-numeric USER',
    fix: 'Use a numeric uid[:gid]: Kubernetes runAsNonRoot can check it, and no /etc/passwd is needed.',
    hadolint: 'DL3066',
  },
  'PITH-D006': {
    severity: 'warning',
    title: 'Packages or build tools installed in the final stage',
    fix: 'Install and build in an earlier stage; COPY --from only what the program needs to run.',
  },
  'PITH-D007': {
    severity: 'warning',
    title: 'ADD of a remote URL without a checksum',
    fix: 'Add --checksum=sha256:… (or download and verify in a build stage).',
  },
  'PITH-D008': {
    severity: 'error',
    title: 'A secret in ENV or ARG',
    fix: 'Pass secrets with RUN --mount=type=secret or at run time; ENV and build arguments stay in the image.',
    hadolint: 'DL3064',
  },
  'PITH-D009': {
    severity: 'info',
    title: 'The whole build context copied into the final stage',
    fix: 'Copy only what runs (and keep a .dockerignore): the context brings sources, tests and secrets along.',
  },
  'PITH-D010': {
    severity: 'warning',
    title: 'Single-stage build on a compiler toolchain',
    fix: 'Build in a first stage and copy the result onto a minimal base (static, base, cc, or scratch).',
  },
  'PITH-D011': {
    severity: 'warning',
    title: 'Base image with latest or no tag',
    fix: 'Name a release tag (and pin the digest).',
    hadolint: 'DL3007',
  },
  'PITH-D012': {
    severity: 'info',
    title: 'apt-get install without --no-install-recommends',
    fix: 'Add --no-install-recommends.',
    hadolint: 'DL3015',
  },
  'PITH-D013': {
    severity: 'info',
    title: 'pip install without --no-cache-dir',
    fix: 'Add --no-cache-dir.',
    hadolint: 'DL3042',
  },
  'PITH-D014': {
    severity: 'info',
    title: 'apk add without --no-cache',
    fix: 'Add --no-cache.',
    hadolint: 'DL3019',
  },
  'PITH-D015': {
    severity: 'warning',
    title: 'ADD of local files',
    fix: 'Use COPY; ADD also extracts archives and fetches URLs.',
    hadolint: 'DL3020',
  },
  'PITH-D016': {
    severity: 'info',
    title: 'RUN cd',
    fix: 'Use WORKDIR to change directory.',
    hadolint: 'DL3003',
  },
  'PITH-D017': {
    severity: 'error',
    title: 'sudo in RUN',
    fix: 'RUN already runs as the current USER; switch with USER instead.',
    hadolint: 'DL3004',
  },
  'PITH-D018': {
    severity: 'info',
    title: 'MAINTAINER is deprecated',
    fix: 'Use LABEL org.opencontainers.image.authors=….',
    hadolint: 'DL4000',
  },
  'PITH-D019': {
    severity: 'warning',
    title: 'More than one ENTRYPOINT or CMD in a stage',
    fix: 'Keep one; only the last takes effect.',
    hadolint: 'DL4003',
  },
  'PITH-D020': {
    severity: 'error',
    title: 'Relative WORKDIR',
    fix: 'Use an absolute path.',
    hadolint: 'DL3000',
  },
  'PITH-D021': {
    severity: 'info',
    title: 'apt lists left in the final stage',
    fix: 'End the RUN with rm -rf /var/lib/apt/lists/* (better: install in a build stage).',
    hadolint: 'DL3009',
  },
} as const satisfies Record<string, LintRule>;

export type LintRuleId = keyof typeof LINT_RULES;

export interface LintFinding {
  id: LintRuleId;
  severity: LintSeverity;
  file: string;
  /** 1-based line of the instruction. */
  line: number;
  message: string;
  fix: string;
}
