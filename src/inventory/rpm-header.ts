// rpm's header format, as rpm's sqlite database stores each installed package (the `blob` of table
// `Packages`; rpm's lib/header.c headerExport): two big-endian int32 counts — index entries and data bytes —
// then 16-byte entries (tag, type, offset, count) and the data store. Strings are NUL-terminated at their
// offset; string arrays are `count` of them in a row; int32 arrays are big-endian. Only the tags an
// inventory needs are read; every offset is bounds-checked, so a hostile blob yields nothing, not a crash.

export const RPM_TAG = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  summary: 1004,
  size: 1009,
  vendor: 1011,
  license: 1014,
  url: 1020,
  arch: 1022,
  sourceRpm: 1044,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
} as const;

const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;
const MAX_ENTRIES = 100_000;

export type RpmValue = string | string[] | number[];

/** The tags of one header blob (only those of RPM_TAG), or undefined when the blob is not a header. */
export function readRpmHeader(blob: Uint8Array): Map<number, RpmValue> | undefined {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.length < 8) return undefined;
  const il = buf.readUInt32BE(0);
  const dl = buf.readUInt32BE(4);
  const dataStart = 8 + il * 16;
  if (il > MAX_ENTRIES || dataStart + dl > buf.length) return undefined;
  const data = buf.subarray(dataStart, dataStart + dl);
  const wanted = new Set<number>(Object.values(RPM_TAG));
  const out = new Map<number, RpmValue>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = buf.readUInt32BE(at);
    if (!wanted.has(tag)) continue;
    const type = buf.readUInt32BE(at + 4);
    const offset = buf.readUInt32BE(at + 8);
    const count = buf.readUInt32BE(at + 12);
    const value = readValue(data, type, offset, count);
    if (value !== undefined) out.set(tag, value);
  }
  return out;
}

function readValue(data: Buffer, type: number, offset: number, count: number): RpmValue | undefined {
  if (offset >= data.length || count > data.length) return undefined;
  if (type === TYPE_INT32) {
    if (offset + count * 4 > data.length) return undefined;
    return Array.from({ length: count }, (_, i) => data.readInt32BE(offset + i * 4));
  }
  if (type === TYPE_STRING || type === TYPE_I18NSTRING) return cString(data, offset)?.text;
  if (type === TYPE_STRING_ARRAY) {
    const list: string[] = [];
    let at = offset;
    for (let i = 0; i < count; i++) {
      const s = cString(data, at);
      if (!s) return undefined;
      list.push(s.text);
      at = s.next;
    }
    return list;
  }
  return undefined;
}

function cString(data: Buffer, at: number): { text: string; next: number } | undefined {
  const end = data.indexOf(0, at);
  if (end < 0) return undefined;
  return { text: data.toString('utf8', at, end), next: end + 1 };
}
