// Signing keys as cosign and containers/image keep them: a private key in cosign's encrypted PEM ("ENCRYPTED
// SIGSTORE PRIVATE KEY", or the older "ENCRYPTED COSIGN PRIVATE KEY"): JSON holding scrypt parameters and
// salt, a NaCl secretbox nonce, and the secretbox of the PKCS#8 DER key (go-securesystemslib `encrypted`);
// plain PKCS#8 / SEC1 PEM keys; and PUBLIC KEY (PKIX) PEM public keys. Key generation writes ECDSA P-256 with
// the legacy scrypt cost (N=32768, r=8, p=1), the one every reader of the format accepts, older
// containers/image included. scrypt is node:crypto's; xsalsa20-poly1305, which node:crypto lacks, is
// @noble/ciphers'.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  scryptSync,
} from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { PithError } from '../util/index.ts';

/** The PEM types of cosign's encrypted private keys: the one written, and the older one still read. */
const ENCRYPTED_TYPES = ['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY'] as const;
/** The scrypt costs go-securesystemslib accepts (legacy, standard, OWASP); nothing else is tried. */
const SCRYPT_COSTS = [32768, 65536, 131072];
const WRITE_COST = 32768;
const KEY_BYTES = 32;
const SALT_BYTES = 32;
const NONCE_BYTES = 24;

export interface KeyPairPem {
  /** The private key, encrypted in cosign's format. */
  privateKey: string;
  /** The public key, PKIX PEM. */
  publicKey: string;
}

/** A new ECDSA P-256 key pair: the private key encrypted with `password` (which may be empty, as cosign allows). */
export function generateKeyPair(password: string): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey: encryptPrivateKey(privateKey, password),
    publicKey: publicKeyPem(publicKey),
  };
}

/** The private key in cosign's encrypted PEM. */
export function encryptPrivateKey(key: KeyObject, password: string): string {
  const der = key.export({ format: 'der', type: 'pkcs8' });
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const box = xsalsa20poly1305(deriveKey(password, salt, WRITE_COST), nonce).encrypt(der);
  const json = JSON.stringify({
    kdf: { name: 'scrypt', params: { N: WRITE_COST, r: 8, p: 1 }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(box).toString('base64'),
  });
  return pem(ENCRYPTED_TYPES[0], Buffer.from(json));
}

/** The public key as PKIX ("PUBLIC KEY") PEM. */
export function publicKeyPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'spki' }).toString();
}

/**
 * A private key from PEM: cosign's encrypted format (decrypted with `password`), or an unencrypted PKCS#8,
 * SEC1 ("EC PRIVATE KEY") or PKCS#1 key. `where` names the file in errors.
 */
export function readPrivateKey(text: Buffer, password: string | undefined, where: string): KeyObject {
  const block = firstPemBlock(text, where);
  if ((ENCRYPTED_TYPES as readonly string[]).includes(block.type)) {
    const der = decryptCosignKey(block.body, password ?? '', where);
    return keyOrFail(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), where);
  }
  if (/ENCRYPTED/.test(block.type)) {
    throw new PithError(
      'input',
      'KEY_INVALID',
      `${where}: ${block.type} keys are not supported; use a cosign key (pith keygen) or an unencrypted PKCS#8 key`,
    );
  }
  if (!/PRIVATE KEY$/.test(block.type)) {
    throw new PithError('input', 'KEY_INVALID', `${where}: a ${block.type} PEM block is not a private key`);
  }
  return keyOrFail(() => createPrivateKey({ key: text, format: 'pem' }), where);
}

/** A public key from PEM: a PKIX PUBLIC KEY, or the key of a CERTIFICATE. */
export function readPublicKey(text: Buffer, where: string): KeyObject {
  const block = firstPemBlock(text, where);
  if (block.type !== 'PUBLIC KEY' && block.type !== 'CERTIFICATE') {
    throw new PithError(
      'input',
      'KEY_INVALID',
      `${where}: expected a PUBLIC KEY PEM block, found ${block.type}`,
    );
  }
  return keyOrFail(() => createPublicKey({ key: text, format: 'pem' }), where);
}

/** Whether `text` holds a private key (of any PEM type pith reads) rather than a public one. */
export function isPrivateKeyPem(text: Buffer): boolean {
  return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text.toString('latin1', 0, 4096));
}

function decryptCosignKey(body: Buffer, password: string, where: string): Buffer {
  let doc: { kdf?: Record<string, unknown>; cipher?: Record<string, unknown>; ciphertext?: unknown };
  try {
    doc = JSON.parse(body.toString('utf8')) as typeof doc;
  } catch (cause) {
    throw new PithError('input', 'KEY_INVALID', `${where}: the encrypted key is not cosign's JSON`, {
      cause,
    });
  }
  const params = (doc.kdf?.['params'] ?? {}) as Record<string, unknown>;
  const salt = b64(doc.kdf?.['salt']);
  const nonce = b64(doc.cipher?.['nonce']);
  const box = b64(doc.ciphertext);
  const cost = params['N'];
  if (
    doc.kdf?.['name'] !== 'scrypt' ||
    doc.cipher?.['name'] !== 'nacl/secretbox' ||
    typeof cost !== 'number' ||
    !SCRYPT_COSTS.includes(cost) ||
    params['r'] !== 8 ||
    params['p'] !== 1 ||
    !salt ||
    nonce?.length !== NONCE_BYTES ||
    !box
  ) {
    throw new PithError(
      'input',
      'KEY_INVALID',
      `${where}: unsupported encryption (cosign keys use scrypt N=32768|65536|131072, r=8, p=1 and nacl/secretbox)`,
    );
  }
  try {
    return Buffer.from(xsalsa20poly1305(deriveKey(password, salt, cost), nonce).decrypt(box));
  } catch (cause) {
    throw new PithError(
      'input',
      'KEY_PASSWORD',
      `${where}: the key did not decrypt with the passphrase given (PITH_PASSWORD or COSIGN_PASSWORD)`,
      { cause },
    );
  }
}

function deriveKey(password: string, salt: Buffer, cost: number): Buffer {
  return scryptSync(Buffer.from(password, 'utf8'), salt, KEY_BYTES, {
    N: cost,
    r: 8,
    p: 1,
    maxmem: 256 * cost * 8,
  });
}

function b64(v: unknown): Buffer | undefined {
  return typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) ? Buffer.from(v, 'base64') : undefined;
}

function firstPemBlock(text: Buffer, where: string): { type: string; body: Buffer } {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text.toString('latin1'));
  if (!m) throw new PithError('input', 'KEY_INVALID', `${where}: no PEM block found`);
  return { type: m[1]!, body: Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64') };
}

function keyOrFail(make: () => KeyObject, where: string): KeyObject {
  try {
    return make();
  } catch (cause) {
    throw new PithError('input', 'KEY_INVALID', `${where}: not a key pith can read`, { cause });
  }
}

function pem(type: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}
