// SipHash-1-3 (Aumasson and Bernstein's SipHash with one compression and three finalization rounds), the
// keyed hash CPython uses for hash-based .pyc files (PEP 552: importlib.util.source_hash). The four 64-bit
// state words are eight 32-bit halves in an Int32Array, which V8 keeps unboxed (about 60 MB/s); only carries
// compare them unsigned. Words as BigInts, or as pairs of numbers in arrays, were several times slower.

// v0..v3 as [high, low] pairs: word w is at (2w, 2w + 1)
const V0 = 0;
const V1 = 2;
const V2 = 4;
const V3 = 6;

/** SipHash-1-3 of `data` under the 128-bit key k0 ‖ k1 (each a 64-bit integer), as 8 little-endian bytes. */
export function siphash13(k0: bigint, k1: bigint, data: Uint8Array): Buffer {
  const [k0h, k0l] = halves(k0);
  const [k1h, k1l] = halves(k1);
  const v = Int32Array.of(
    k0h ^ 0x736f6d65,
    k0l ^ 0x70736575,
    k1h ^ 0x646f7261,
    k1l ^ 0x6e646f6d,
    k0h ^ 0x6c796765,
    k0l ^ 0x6e657261,
    k1h ^ 0x74656462,
    k1l ^ 0x79746573,
  );
  const whole = data.length - (data.length % 8);
  for (let i = 0; i < whole; i += 8) compress(v, le32(data, i + 4), le32(data, i));
  // the last word: the remaining bytes, and the length (mod 256) in the top byte
  let hi = (data.length & 0xff) << 24;
  let lo = 0;
  for (let i = whole; i < data.length; i++) {
    const shift = (i - whole) * 8;
    if (shift < 32) lo |= data[i]! << shift;
    else hi |= data[i]! << (shift - 32);
  }
  compress(v, hi, lo);
  v[V2 + 1]! ^= 0xff;
  for (let r = 0; r < 3; r++) round(v);
  const out = Buffer.alloc(8);
  out.writeInt32LE(v[V0 + 1]! ^ v[V1 + 1]! ^ v[V2 + 1]! ^ v[V3 + 1]!, 0);
  out.writeInt32LE(v[V0]! ^ v[V1]! ^ v[V2]! ^ v[V3]!, 4);
  return out;
}

/** One message word m (high, low): v3 ^= m, a round, v0 ^= m. */
function compress(v: Int32Array, mh: number, ml: number): void {
  v[V3]! ^= mh;
  v[V3 + 1]! ^= ml;
  round(v);
  v[V0]! ^= mh;
  v[V0 + 1]! ^= ml;
}

/** SipRound. */
function round(v: Int32Array): void {
  add(v, V0, V1);
  rotlXor(v, V1, 13, V0);
  swap(v, V0);
  add(v, V2, V3);
  rotlXor(v, V3, 16, V2);
  add(v, V0, V3);
  rotlXor(v, V3, 21, V0);
  add(v, V2, V1);
  rotlXor(v, V1, 17, V2);
  swap(v, V2);
}

/** v[a] += v[b] (mod 2^64). */
function add(v: Int32Array, a: number, b: number): void {
  const lo = (v[a + 1]! + v[b + 1]!) | 0;
  v[a] = v[a]! + v[b]! + (lo >>> 0 < v[a + 1]! >>> 0 ? 1 : 0);
  v[a + 1] = lo;
}

/** v[a] = rotl(v[a], n) ^ v[b], for 0 < n < 32. */
function rotlXor(v: Int32Array, a: number, n: number, b: number): void {
  const hi = v[a]!;
  const lo = v[a + 1]!;
  v[a] = ((hi << n) | (lo >>> (32 - n))) ^ v[b]!;
  v[a + 1] = ((lo << n) | (hi >>> (32 - n))) ^ v[b + 1]!;
}

/** v[a] = rotl(v[a], 32). */
function swap(v: Int32Array, a: number): void {
  const hi = v[a]!;
  v[a] = v[a + 1]!;
  v[a + 1] = hi;
}

function le32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

function halves(x: bigint): [number, number] {
  const u = BigInt.asUintN(64, x);
  return [Number(u >> 32n) | 0, Number(u & 0xffffffffn) | 0];
}
