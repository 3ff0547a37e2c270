// Canonical JSON bytes for manifests, indexes, configs and pith's own files: object keys sorted by code
// unit at every depth, no insignificant whitespace, UTF-8. Serialised by hand because JS objects always
// list integer-like keys ("80", "443") first, which JSON.stringify would preserve; Map iteration order
// can never leak into a digest either.

/** Serialises a JSON value canonically (sorted keys, compact). `undefined` members are dropped. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  const obj = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    if (obj[key] !== undefined) members.push(`${JSON.stringify(key)}:${canonicalJson(obj[key])}`);
  }
  return `{${members.join(',')}}`;
}

/** The canonical JSON as UTF-8 bytes. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
