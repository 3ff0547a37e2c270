// Finds the image references in a Dockerfile the way BuildKit's parser reads it: parser directives
// (`# escape=`), logical lines joined across continuations (comment and blank lines inside a
// continuation dropped), heredoc bodies of RUN / COPY / ADD skipped, stage names case-insensitive.
// Pinned: the image of every FROM, `COPY --from=<image>` and `RUN --mount=…,from=<image>,…`.
// Stage names, stage numbers and `scratch` are not images; words with `$` use build args.
import type { Scan, Site, SiteSkip } from './types.ts';

export const WHY_BUILD_ARGS = 'uses build args';

interface PhysicalLine {
  /** Offset of the first character (after a BOM on line 1). */
  start: number;
  /** The line without its line terminator (trailing `\r`s removed, as BuildKit's trimNewline does). */
  content: string;
}

/** A logical line: its text and, for each character, its offset in the original file. */
interface Logical {
  text: string;
  map: number[];
}

interface Word {
  start: number;
  end: number;
  text: string;
}

interface Instruction {
  keyword: string;
  logical: Logical;
  words: Word[];
}

// BuildKit: `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`, read only before the first other line.
const DIRECTIVE_RE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
// BuildKit's heredoc word: optional file descriptor, `<<`, optional `-` (strip leading tabs), name.
const HEREDOC_RE = /^(\d*)<<(-?)([^<]*)$/;
const HEREDOC_INSTRUCTIONS = new Set(['run', 'copy', 'add']);

function physicalLines(text: string): PhysicalLine[] {
  const lines: PhysicalLine[] = [];
  let start = text.startsWith('\uFEFF') ? 1 : 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    lines.push({ start, content: text.slice(start, end).replace(/\r+$/, '') });
    if (nl < 0) break;
    start = nl + 1;
  }
  return lines;
}

const trimLeft = (s: string): string => s.replace(/^[ \t]+/, '');
const isComment = (s: string): boolean => trimLeft(s).startsWith('#');
const isBlank = (s: string): boolean => trimLeft(s) === '';

/** The escape character set by a `# escape=` directive at the top of the file (default `\`). */
function escapeDirective(lines: PhysicalLine[]): string {
  let escapeChar = '\\';
  for (const line of lines) {
    const m = DIRECTIVE_RE.exec(trimLeft(line.content));
    if (!m) break;
    if (m[1]!.toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escapeChar = m[2];
  }
  return escapeChar;
}

/** Splits on blanks outside quotes; quotes and escapes stay in the words (BuildKit's raw lexing). */
function splitWords(s: string, escapeChar: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
    if (i >= s.length) break;
    const start = i;
    let quote = '';
    while (i < s.length) {
      const c = s[i];
      if (quote) {
        if (c === quote) quote = '';
        else if (c === escapeChar && quote === '"') i++;
      } else if (c === ' ' || c === '\t') break;
      else if (c === '"' || c === "'") quote = c;
      else if (c === escapeChar) i++;
      i++;
    }
    i = Math.min(i, s.length);
    words.push({ start, end: i, text: s.slice(start, i) });
  }
  return words;
}

/** Reads the file into instructions, skipping comments, blank lines and heredoc bodies. */
function instructions(text: string, skipped: SiteSkip[]): { escapeChar: string; list: Instruction[] } {
  const lines = physicalLines(text);
  const escapeChar = escapeDirective(lines);
  const esc = escapeChar === '\\' ? '\\\\' : escapeChar;
  const continuation = new RegExp(`${esc}[ \\t]*$`);
  const out: Instruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i]!;
    i++;
    if (isBlank(first.content) || isComment(first.content)) continue;
    const logical: Logical = { text: '', map: [] };
    const append = (start: number, piece: string): boolean => {
      const m = continuation.exec(piece);
      const kept = m ? piece.slice(0, m.index) : piece;
      for (let k = 0; k < kept.length; k++) logical.map.push(start + k);
      logical.text += kept;
      return m !== null;
    };
    const lead = first.content.length - trimLeft(first.content).length;
    let continued = append(first.start + lead, first.content.slice(lead));
    while (continued && i < lines.length) {
      const line = lines[i]!;
      i++;
      if (isComment(line.content) || isBlank(line.content)) continue;
      continued = append(line.start, line.content);
    }
    const words = splitWords(logical.text, escapeChar);
    const keyword = words[0]?.text.toLowerCase() ?? '';
    out.push({ keyword, logical, words });
    if (!HEREDOC_INSTRUCTIONS.has(keyword)) continue;
    // Heredoc bodies follow the logical line, one after another, each up to its terminator line.
    for (const word of splitWords(logical.text, '\\')) {
      const m = HEREDOC_RE.exec(word.text);
      if (!m) continue;
      const name = m[3]!.replace(/\\(.)/g, '$1').replace(/["']/g, '');
      if (name === '') continue;
      let terminated = false;
      while (i < lines.length) {
        const line = lines[i]!.content;
        i++;
        if ((m[2] === '-' ? line.replace(/^\t+/, '') : line) === name) {
          terminated = true;
          break;
        }
      }
      if (!terminated) {
        skipped.push({
          offset: logical.map[word.start]!,
          text: word.text,
          why: 'unterminated heredoc: the rest of the file was not read',
        });
        break;
      }
    }
  }
  return { escapeChar, list: out };
}

/** The leading `--flag[=value]` words after the keyword. */
function flags(ins: Instruction): Word[] {
  const out: Word[] = [];
  for (const w of ins.words.slice(1)) {
    if (!w.text.startsWith('--')) break;
    out.push(w);
  }
  return out;
}

/**
 * Scans a Dockerfile. Every FROM image, `COPY --from` image and `RUN --mount` `from=` image becomes a
 * site, unless it names a stage or `scratch`, uses build args, or cannot be edited safely (skipped).
 */
export function scanDockerfile(text: string): Scan {
  const skipped: SiteSkip[] = [];
  const sites: Site[] = [];
  const { escapeChar, list } = instructions(text, skipped);

  // Stage names: FROM may use only earlier stages; COPY --from and mounts may use any stage.
  const allStages = new Set<string>();
  for (const ins of list) {
    if (ins.keyword !== 'from') continue;
    const args = ins.words.slice(1 + flags(ins).length);
    if (args.length === 3 && args[1]!.text.toLowerCase() === 'as') allStages.add(args[2]!.text.toLowerCase());
  }

  /** Adds the word span `[a, b)` of a logical line as a site, or skips it with the reason. */
  const consider = (logical: Logical, a: number, b: number, stages: Set<string>, numbers: boolean): void => {
    const word = logical.text.slice(a, b);
    const offset = logical.map[a]!;
    let why: string | undefined;
    if (word === '') return;
    if (word.toLowerCase() === 'scratch' || stages.has(word.toLowerCase())) return;
    if (numbers && /^\d+$/.test(word)) return;
    const start = offset;
    const end = logical.map[b - 1]! + 1;
    if (word.includes('$')) why = WHY_BUILD_ARGS;
    else if (/["']/.test(word) || word.includes(escapeChar)) why = 'quoted or escaped reference';
    else if (end - start !== b - a) why = 'reference is split across continuation lines';
    if (why !== undefined) {
      skipped.push({ offset, text: word, why });
      return;
    }
    sites.push({ start, end, text: word });
  };

  const earlier = new Set<string>();
  for (const ins of list) {
    const fl = flags(ins);
    if (ins.keyword === 'from') {
      const args = ins.words.slice(1 + fl.length);
      const named = args.length === 3 && args[1]!.text.toLowerCase() === 'as';
      if (args.length === 1 || named) consider(ins.logical, args[0]!.start, args[0]!.end, earlier, false);
      else if (args.length > 0)
        skipped.push({
          offset: ins.logical.map[args[0]!.start]!,
          text: args.map((w) => w.text).join(' '),
          why: 'unrecognised FROM arguments (expected IMAGE [AS NAME])',
        });
      if (named) earlier.add(args[2]!.text.toLowerCase());
    } else if (ins.keyword === 'copy') {
      for (const f of fl) {
        if (!f.text.startsWith('--from=')) continue;
        consider(ins.logical, f.start + '--from='.length, f.end, allStages, true);
      }
    } else if (ins.keyword === 'run') {
      for (const f of fl) {
        if (!f.text.startsWith('--mount=')) continue;
        mountFrom(ins.logical, f, allStages, consider, skipped);
      }
    }
  }
  return { sites, skipped };
}

/** The `from=` field of a simple (unquoted) `--mount=k=v,k=v` flag. */
function mountFrom(
  logical: Logical,
  flag: Word,
  stages: Set<string>,
  consider: (logical: Logical, a: number, b: number, stages: Set<string>, numbers: boolean) => void,
  skipped: SiteSkip[],
): void {
  const base = flag.start + '--mount='.length;
  const value = logical.text.slice(base, flag.end);
  if (/["']/.test(value)) {
    if (/(^|[,"'])from=/i.test(value))
      skipped.push({ offset: logical.map[base]!, text: value, why: 'quoted --mount options' });
    return;
  }
  let at = 0;
  for (const field of value.split(',')) {
    const eq = field.indexOf('=');
    if (eq > 0 && field.slice(0, eq).toLowerCase() === 'from')
      consider(logical, base + at + eq + 1, base + at + field.length, stages, true);
    at += field.length + 1;
  }
}
