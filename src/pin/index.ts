// Public surface of pin: rewrite image references in Dockerfiles and YAML (pith configs, Kubernetes,
// Compose) to `name:tag@digest`. Pure text in, text out; digest resolution is injected.
//
// Conventions:
// - The reference keeps the text the user wrote and gains `@digest`: `golang:1.22` →
//   `golang:1.22@sha256:…`, `alpine` → `alpine@sha256:…` (the digest `alpine:latest` names today; no
//   `:latest` is invented), `docker.io/library/x` stays spelled that way. The resolver receives the
//   normalised reference (docker.io, library/, latest) without a digest; each distinct one is asked once.
// - Already pinned references (`name:tag@d`, `name@d`) are left alone; with `update`, tagged ones are
//   re-resolved and their digest replaced (`name@d` has no tag to re-resolve and is reported).
// - `check` resolves nothing and rewrites nothing: `unpinned` lists every reference without a digest.
// - Build args (`FROM ${BASE}`, `golang:${V}`) and Compose/Kubernetes variables are reported in
//   `skipped`, never guessed at; ARG defaults are not pinned. `scratch`, stage names and stage numbers
//   are not images and are not reported. Compose `image:` next to `build:` names the build's output.
// - A reference that fails to resolve does not stop the others: all are tried, then one
//   PithError('input', 'PIN_FAILED') lists each as `line:col ref: message` (details.failures).
// - Only the bytes of each reference change: the scanners locate references (BuildKit's line rules for
//   Dockerfiles, the yaml package's source tokens for YAML) and the engine splices text at offsets.
//   Lines and columns are 1-based; columns count UTF-16 code units and exclude a byte order mark.
import { basename } from 'node:path';
import { PithError } from '../util/index.ts';
import type { PinFormat } from './types.ts';

export { WHY_BUILD_ARGS } from './dockerfile.ts';
export { pinText } from './engine.ts';
export { PIN_ERROR_CODES, type PinErrorCode } from './error-codes.ts';
export type { PinChange, PinFormat, PinOptions, PinResult, PinSkip, Resolve } from './types.ts';
export { WHY_VARIABLES } from './yaml.ts';

const DOCKERFILE_NAME = /^(?:docker|container)file(?:\..+)?$|\.(?:docker|container)file$/i;
const YAML_NAME = /\.ya?ml$/i;
const INSTRUCTION_RE = /^[ \t]*(?:from|arg)[ \t]/i;

/**
 * The format of a file from its name: `*.yaml` and `*.yml` are YAML; `Dockerfile`, `Dockerfile.*`,
 * `*.dockerfile`, `Containerfile`, `Containerfile.*` and `*.containerfile` (any case) are Dockerfiles.
 * Other names are sniffed: a first instruction of FROM or ARG means a Dockerfile. Anything else is a
 * usage error.
 */
export function detectFormat(fileName: string, text: string): PinFormat {
  const name = basename(fileName);
  if (YAML_NAME.test(name)) return 'yaml';
  if (DOCKERFILE_NAME.test(name)) return 'dockerfile';
  const first = text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (first !== undefined && INSTRUCTION_RE.test(first)) return 'dockerfile';
  throw new PithError(
    'usage',
    'PIN_UNKNOWN_FORMAT',
    `${fileName}: cannot tell the format; name it Dockerfile, *.dockerfile, Containerfile, *.yaml or *.yml`,
  );
}
