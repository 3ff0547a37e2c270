// Names as ldconfig sees them: byte strings. A "byte string" here is a JS string with one latin1 char per
// byte (the UTF-8 bytes of a tree path), so comparisons and the cache's string table match the C code.
// Tree paths themselves stay UTF-16 strings; convert with bytes() only where a name is recorded.

/** A JS (UTF-16) string as its UTF-8 bytes, one latin1 char per byte. */
export function bytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** Byte order of two tree paths' UTF-8 encodings (our stand-in for readdir and glob order). */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
