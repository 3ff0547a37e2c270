// Small HTTP helpers for the memory registry: bounded body reads (a request larger than the cap is refused
// with 413 before it is buffered), plain and JSON answers, digest parsing of path and query values, and the
// byte flip of the corrupt-blob fault.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Digest, isDigest } from '../../util/index.ts';
import { digestInvalid, RegistryError } from './errors.ts';

/** Largest blob chunk or monolithic upload accepted in one request. */
export const MAX_BLOB_BODY = 256 * 1024 * 1024;
/** Largest manifest accepted (distribution's limit). */
export const MAX_MANIFEST_BODY = 4 * 1024 * 1024;

/** Reads a request body of at most `limit` bytes; larger bodies are answered with 413. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(limit: number): RegistryError {
  return new RegistryError(413, 'SIZE_INVALID', `request body larger than ${limit} bytes`);
}

/** Answers with a status, headers and an optional body (HEAD keeps Content-Length but sends no body). */
export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer = Buffer.alloc(0),
  contentLength = body.length,
): void {
  // RFC 9110 §8.6: no Content-Length on a 204.
  const length: Record<string, string> = status === 204 ? {} : { 'Content-Length': String(contentLength) };
  res.writeHead(status, { ...length, ...headers });
  res.end(status === 204 ? undefined : body);
}

/** Answers 200 with a JSON body. */
export function sendJson(
  res: ServerResponse,
  value: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json',
): void {
  send(res, 200, { 'Content-Type': contentType, ...headers }, Buffer.from(JSON.stringify(value)));
}

/** Parses a digest from a path or query, or throws 400 DIGEST_INVALID. */
export function requireDigest(value: string | null | undefined): Digest {
  if (!value || !isDigest(value)) throw digestInvalid(`invalid digest "${value ?? ''}"`, value ?? undefined);
  const algorithm = value.slice(0, value.indexOf(':'));
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new RegistryError(400, 'UNSUPPORTED', `digest algorithm "${algorithm}" is not supported`);
  }
  return value;
}

/** A copy of the bytes with one byte flipped (corrupt-blob fault); empty input stays empty. */
export function flipOneByte(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  if (out.length > 0) out[out.length >> 1] = out[out.length >> 1]! ^ 0xff;
  return out;
}
