// Lints a Dockerfile for minimal images (parsed with dockerfile-ast, the VS Code Docker language server's
// parser): stages are split at FROM, the final stage is the image that ships, and each rule of rules.ts
// looks at the instructions it is about. A finding on an instruction is dropped when the comment line right
// above it says `# pith ignore=PITH-D001,PITH-D011` (hadolint's `# hadolint ignore=` pragma, our ids).
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { SECRET_NAME, scanText } from '../audit/index.ts';
import { nameMatches } from '../policy/index.ts';
import { compareText } from '../util/index.ts';
import { LINT_RULES, type LintFinding, type LintRuleId } from './rules.ts';

export interface LintOptions {
  /** Approved base image names (`*` patterns); when given, other external bases are PITH-D002. */
  approved?: readonly string[];
}

interface Stage {
  from: Instruction;
  /** The image as written (`golang:1.22`), or undefined for a variable. */
  image?: string;
  alias?: string;
  /** An earlier stage's alias, or scratch: nothing to pull. */
  internal: boolean;
  body: Instruction[];
}

const INSTALL =
  /\b(apt-get\s+(-\S+\s+)*install|apt\s+install|apk\s+add|yum\s+install|dnf\s+install|microdnf\s+install|zypper\s+(in|install)|pip3?\s+install|npm\s+(i|install|ci)|gem\s+install)\b/;
const BUILD_TOOL = /\b(gcc|g\+\+|make|cmake|go\s+build|cargo\s+build|mvn|gradle|build-essential)\b/;
const TOOLCHAINS = /(^|\/)(golang|rust|gcc|maven|gradle|sdk|openjdk|swift|haskell)$/;
const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2|tar\.xz|txz|tar\.zst)$/;

/** Findings for one Dockerfile's text, sorted by line then id. */
export function lintDockerfile(text: string, file: string, opts: LintOptions = {}): LintFinding[] {
  const df = DockerfileParser.parse(text);
  const stages = splitStages(df.getInstructions());
  const ignored = ignoresByLine(text);
  const out: LintFinding[] = [];
  const add = (id: LintRuleId, at: Instruction, message: string) => {
    const line = at.getRange().start.line + 1;
    if (ignored.get(line - 1)?.has(id)) return;
    out.push({ id, severity: LINT_RULES[id].severity, file, line, message, fix: LINT_RULES[id].fix });
  };
  for (const stage of stages) baseRules(stage, add, opts);
  for (const [i, stage] of stages.entries()) stageRules(stage, i === stages.length - 1, stages, add);
  return out.sort((a, b) => a.line - b.line || compareText(a.id, b.id));
}

type Add = (id: LintRuleId, at: Instruction, message: string) => void;

function splitStages(instructions: readonly Instruction[]): Stage[] {
  const stages: Stage[] = [];
  const aliases = new Set<string>();
  for (const i of instructions) {
    if (i.getKeyword() === 'FROM') {
      const args = i.getArguments().map((a) => a.getValue());
      const image = args.find((a) => !a.startsWith('--'));
      const asAt = args.findIndex((a) => a.toUpperCase() === 'AS');
      const alias = asAt >= 0 ? args[asAt + 1]?.toLowerCase() : undefined;
      const variable = image === undefined || image.includes('$');
      stages.push({
        from: i,
        ...(variable ? {} : { image }),
        ...(alias ? { alias } : {}),
        internal: !variable && (image === 'scratch' || aliases.has(image.toLowerCase())),
        body: [],
      });
      if (alias) aliases.add(alias);
    } else stages.at(-1)?.body.push(i);
  }
  return stages;
}

/**
 * Line (1-based) of a pragma comment → the ids it ignores on the next line. Read from the raw lines: a
 * pragma on the first line looks like a parser directive to the parser, and is no comment to it.
 */
function ignoresByLine(text: string): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  text.split('\n').forEach((line, i) => {
    const m = /^\s*#\s*pith\s+ignore=([\w,\s-]+)$/.exec(line.trimEnd());
    if (m) out.set(i + 1, new Set(m[1]!.split(',').map((s) => s.trim())));
  });
  return out;
}

function baseRules(stage: Stage, add: Add, opts: LintOptions): void {
  if (stage.internal || stage.image === undefined) return;
  const image = stage.image;
  const digest = image.includes('@sha256:');
  const name = image.replace(/@sha256:[0-9a-f]*$/, '');
  const tag = /:([^/:]+)$/.exec(name)?.[1];
  const repo = tag ? name.slice(0, -tag.length - 1) : name;
  if (!digest) add('PITH-D001', stage.from, `FROM ${image} is not pinned by digest`);
  if (!digest && (tag === undefined || tag === 'latest'))
    add('PITH-D011', stage.from, `FROM ${image} ${tag ? 'uses latest' : 'has no tag'}`);
  if (opts.approved && !opts.approved.some((p) => nameMatches(p, image)))
    add('PITH-D002', stage.from, `FROM ${repo} is not an approved base`);
}

function stageRules(stage: Stage, final: boolean, stages: readonly Stage[], add: Add): void {
  const keyword = (i: Instruction) => i.getKeyword();
  const content = (i: Instruction) => i.getArgumentsContent() ?? '';
  const entries = stage.body.filter((i) => keyword(i) === 'ENTRYPOINT');
  const cmds = stage.body.filter((i) => keyword(i) === 'CMD');
  for (const list of [entries, cmds])
    if (list.length > 1) add('PITH-D019', list[1]!, `${list.length} ${keyword(list[0]!)} instructions`);
  for (const i of stage.body) {
    const k = keyword(i);
    const text = content(i);
    if (k === 'RUN') runRules(i, text, final, add);
    else if (k === 'ADD') addRules(i, add);
    else if (k === 'MAINTAINER') add('PITH-D018', i, 'MAINTAINER is deprecated');
    else if (k === 'WORKDIR' && !/^(\/|\$|[A-Za-z]:\\)/.test(text.trim()))
      add('PITH-D020', i, `WORKDIR ${text} is relative`);
    else if (k === 'ENV' || k === 'ARG') secretRules(i, add);
    else if (final && (k === 'COPY' || k === 'ADD')) contextRule(i, add);
  }
  if (!final) return;
  const noShell = baseWithoutShell(stage, stages);
  for (const i of [...entries.slice(-1), ...cmds.slice(-1)]) {
    if ((i as unknown as { getJSONStrings(): unknown[] }).getJSONStrings().length > 0) continue;
    add(
      'PITH-D003',
      i,
      noShell
        ? `${keyword(i)} in shell form needs /bin/sh, which ${stage.image?.replace(/@sha256:.*$/, '') ?? 'the base'} does not have`
        : `${keyword(i)} in shell form runs under /bin/sh -c`,
    );
  }
  userRules(stage, add);
  const repo = stage.image?.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  if (stages.length === 1 && repo && TOOLCHAINS.test(repo))
    add('PITH-D010', stage.from, `single stage on ${stage.image}: the compiler ships with the program`);
}

function runRules(i: Instruction, text: string, final: boolean, add: Add): void {
  if (/\bsudo\b/.test(text)) add('PITH-D017', i, 'RUN uses sudo');
  if (/(^|&&|;)\s*cd\s/.test(text)) add('PITH-D016', i, 'RUN cd … (use WORKDIR)');
  if (/\bapt-get\s+(-\S+\s+)*install\b/.test(text) && !text.includes('--no-install-recommends'))
    add('PITH-D012', i, 'apt-get install without --no-install-recommends');
  if (/\bpip3?\s+install\b/.test(text) && !text.includes('--no-cache-dir'))
    add('PITH-D013', i, 'pip install without --no-cache-dir');
  if (/\bapk\s+add\b/.test(text) && !text.includes('--no-cache'))
    add('PITH-D014', i, 'apk add without --no-cache');
  if (!final) return;
  const installs = INSTALL.exec(text)?.[0];
  const builds = BUILD_TOOL.exec(text)?.[0];
  if (installs || builds) add('PITH-D006', i, `the final stage runs ${installs ?? builds}`);
  if (/\bapt-get\s+update\b/.test(text) && !/\/var\/lib\/apt\/lists/.test(text))
    add('PITH-D021', i, 'apt-get update without removing /var/lib/apt/lists');
}

function addRules(i: Instruction, add: Add): void {
  const flags = (i as unknown as { getFlags(): { getName(): string }[] }).getFlags().map((f) => f.getName());
  const args = i
    .getArguments()
    .map((a) => a.getValue())
    .filter((a) => !a.startsWith('--'));
  const sources = args.slice(0, -1);
  const remote = sources.filter((s) => /^https?:\/\//i.test(s));
  if (remote.length && !flags.includes('checksum'))
    add('PITH-D007', i, `ADD ${remote[0]} without --checksum`);
  const local = sources.filter(
    (s) => !/^(https?|git):\/\//i.test(s) && !s.startsWith('git@') && !ARCHIVE.test(s),
  );
  if (local.length) add('PITH-D015', i, `ADD ${local.join(' ')} (use COPY)`);
}

function secretRules(i: Instruction, add: Add): void {
  const props = (
    i as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }
  ).getProperties();
  for (const p of props) {
    const name = p.getName();
    const value = p.getValue();
    const byValue = value ? scanText(`${name}=${value}`).length > 0 : false;
    if (byValue || (SECRET_NAME.test(name) && value && value.length >= 4 && !value.startsWith('$')))
      add('PITH-D008', i, `${i.getKeyword()} ${name} holds a secret value`);
    else if (SECRET_NAME.test(name))
      add('PITH-D008', i, `${i.getKeyword()} ${name}: a secret passed this way stays in the image history`);
  }
}

function contextRule(i: Instruction, add: Add): void {
  const flags = (i as unknown as { getFlags(): { getName(): string }[] }).getFlags().map((f) => f.getName());
  if (flags.includes('from')) return;
  const args = i
    .getArguments()
    .map((a) => a.getValue())
    .filter((a) => !a.startsWith('--'));
  if (args.slice(0, -1).some((s) => s === '.' || s === './'))
    add('PITH-D009', i, `${i.getKeyword()} . copies the whole build context`);
}

/** USER in the final stage: the last one must not be root; with none, the base must be a nonroot one. */
function userRules(stage: Stage, add: Add): void {
  const users = stage.body.filter((i) => i.getKeyword() === 'USER');
  const last = users.at(-1);
  if (last) {
    const user = (last.getArgumentsContent() ?? '').trim();
    const name = user.split(':')[0] ?? '';
    if (name === 'root' || name === '0') add('PITH-D004', last, `USER ${user}`);
    else if (!/^\d+$/.test(name) && !name.startsWith('$')) add('PITH-D005', last, `USER ${user} is a name`);
    return;
  }
  if (!nonrootBase(stage.image))
    add(
      'PITH-D004',
      stage.from,
      `no USER: runs as ${stage.image ?? 'the base'}'s user (root unless it sets one)`,
    );
}

/** A base known to run as non-root by default: a nonroot tag, or Chainguard's images. */
function nonrootBase(image: string | undefined): boolean {
  return image !== undefined && (/:(.*-)?nonroot\b/.test(image) || /(^|\/)chainguard\//.test(image));
}

/** Whether the final stage's base has no shell: scratch, distroless (not :debug), Chainguard (not -dev). */
function baseWithoutShell(stage: Stage, stages: readonly Stage[]): boolean {
  const image = stage.image;
  if (image === undefined) return false;
  if (image === 'scratch') return true;
  // only a stage before this one can be its base (a FROM names earlier stages), so this always ends
  const before = stages.slice(0, stages.indexOf(stage));
  const earlier = before.find((s) => s.alias === image.toLowerCase());
  if (earlier) return baseWithoutShell(earlier, before);
  if (/(^|\/)distroless\//.test(image)) return !/:(.*-)?debug\b/.test(image);
  if (/(^|\/)chainguard\//.test(image)) return !/:(.*-)?dev\b/.test(image);
  return false;
}
