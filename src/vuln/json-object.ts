// The one check feeds, VEX documents and SBOMs are read with: a JSON value that is an object (not null,
// not an array).

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
