// glob(3) over the root, for ld.so.conf's `include` lines: matches come back sorted by bytes and only
// if they exist; wildcards (`*`, `?`, `[…]`, `\` escapes) match within one path component and a leading
// '.' must be matched literally. Relative patterns are relative to the root ('.').

import { compareBytes } from './byte-strings.ts';
import type { RootView } from './root-view.ts';

/** glob(3) over the tree: sorted matches; a leading '.' must be matched literally. */
export function glob(root: RootView, pattern: string): string[] {
  const parts = pattern.split('/').filter((p) => p !== '');
  let paths = [pattern.startsWith('/') ? '' : '.'];
  for (const part of parts) paths = paths.flatMap((base) => expand(root, base, part));
  return paths.filter((p) => root.stat(p)).sort(compareBytes);
}

/** The paths one pattern component yields below `base` ('' is '/'). */
function expand(root: RootView, base: string, part: string): string[] {
  const prefix = base === '' ? '/' : `${base}/`;
  if (!/[*?[]/.test(part)) return [prefix + part.replace(/\\(.)/g, '$1')];
  const dir = root.stat(base === '' ? '/' : base);
  if (dir?.node?.type !== 'dir') return [];
  const re = fnmatch(part);
  const dotOk = part.startsWith('.');
  return root
    .list(dir.path)
    .filter((name) => (dotOk || !name.startsWith('.')) && re.test(name))
    .map((name) => prefix + name);
}

function fnmatch(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (c === '[') {
      const bracket = bracketClass(pattern, i);
      re += bracket.re;
      i = bracket.end;
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 's');
}

/** A `[…]` class starting at `start`: its regex and the index of its `]` (a lone '[' is literal). */
function bracketClass(pattern: string, start: number): { re: string; end: number } {
  const close = pattern.indexOf(']', start + 2);
  if (close < 0) return { re: '\\[', end: start };
  let body = pattern.slice(start + 1, close);
  const negate = body.startsWith('!') || body.startsWith('^');
  if (negate) body = body.slice(1);
  return { re: `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`, end: close };
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
