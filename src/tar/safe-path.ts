// In-image path normalisation. Every path that reaches a tree or an archive goes through here, so '..'
// can never climb out of the image root and every spelling of a path ('/a', './a', 'a//', 'a/./') is one key.
// Invariant: the result has no '', '.' or '..' segments, no leading or trailing '/'; '' means the root.
// A name holding raw bytes (name-bytes.ts) has one spelling, so it is one key too.
import { PithError } from '../util/index.ts';
import { canonicalName } from './name-bytes.ts';

/**
 * Normalises an in-image path: accepts '/usr/bin/x', 'usr/bin/x', './a', 'a//b/', 'a/./b'; resolves
 * 'a/../b'; returns '' for the root. Throws PithError('input','PATH_TRAVERSAL') if it escapes the root
 * ('..' past root, e.g. '../x' or '/a/../../b') and PithError('input','BAD_PATH') for NUL bytes or ''.
 */
export function normalizeImagePath(p: string): string {
  if (p === '') throw new PithError('input', 'BAD_PATH', 'empty path', { details: { path: p } });
  if (p.includes('\0')) {
    throw new PithError('input', 'BAD_PATH', `path ${JSON.stringify(p)} contains a NUL byte`, {
      details: { path: p },
    });
  }
  const out: string[] = [];
  for (const seg of canonicalName(p).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg !== '..') {
      out.push(seg);
    } else if (out.pop() === undefined) {
      throw new PithError('input', 'PATH_TRAVERSAL', `path ${JSON.stringify(p)} escapes the image root`, {
        details: { path: p },
      });
    }
  }
  return out.join('/');
}

/**
 * Lenient normalisation of a name read from an archive: drops '', '.' segments (so leading '/', './' and
 * trailing '/' vanish) but keeps '..' so that an auditor can still see and report a traversal.
 */
export function normalizeArchivePath(p: string): string {
  if (!p.includes('/') && p !== '.') return p;
  return p
    .split('/')
    .filter((seg) => seg !== '' && seg !== '.')
    .join('/');
}
