// cosign's encrypted private keys (go-securesystemslib `encrypted`: scrypt, then NaCl secretbox of the
// PKCS#8 DER): what pith keygen writes decrypts with an independent implementation (Debian's PyNaCl and
// Python's hashlib.scrypt), what that implementation writes (with cosign's newer scrypt cost) pith reads,
// and wrong passphrases, tampered boxes, unknown parameters and other PEM blocks are refused by code.
// skopeo signing with a key pith wrote is in test/e2e/signing.test.ts.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { generateKeyPair, readPrivateKey, readPublicKey } from '../../src/sign/index.ts';
import { run, tempDir } from '../helpers.ts';

const PYTHON = '/usr/bin/python3';

/** Decrypts a cosign key file with PyNaCl; prints the PKCS#8 DER as hex. */
const DECRYPT = `
import base64, hashlib, json, sys
from nacl.secret import SecretBox
pem = open(sys.argv[1]).read().strip().splitlines()
assert pem[0] == '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----', pem[0]
doc = json.loads(base64.b64decode(''.join(pem[1:-1])))
p = doc['kdf']['params']
key = hashlib.scrypt(sys.argv[2].encode(), salt=base64.b64decode(doc['kdf']['salt']), n=p['N'], r=p['r'], p=p['p'], maxmem=1 << 28, dklen=32)
print(SecretBox(key).decrypt(base64.b64decode(doc['ciphertext']), base64.b64decode(doc['cipher']['nonce'])).hex())
`;

/** Encrypts a PKCS#8 DER (hex) the way cosign does, scrypt N=65536; prints the PEM. */
const ENCRYPT = `
import base64, hashlib, json, os, sys
from nacl.secret import SecretBox
der = bytes.fromhex(sys.argv[1]); salt = os.urandom(32); nonce = os.urandom(24)
key = hashlib.scrypt(sys.argv[2].encode(), salt=salt, n=65536, r=8, p=1, maxmem=1 << 28, dklen=32)
box = SecretBox(key).encrypt(der, nonce).ciphertext
doc = {"kdf": {"name": "scrypt", "params": {"N": 65536, "r": 8, "p": 1}, "salt": base64.b64encode(salt).decode()},
       "cipher": {"name": "nacl/secretbox", "nonce": base64.b64encode(nonce).decode()},
       "ciphertext": base64.b64encode(box).decode()}
b = base64.b64encode(json.dumps(doc).encode()).decode()
print('-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----')
for i in range(0, len(b), 64): print(b[i:i+64])
print('-----END ENCRYPTED COSIGN PRIVATE KEY-----')
`;

it('a key pith generates decrypts with PyNaCl to the PKCS#8 of its public key', async (t) => {
  const dir = await tempDir(t);
  const pair = generateKeyPair('correct horse');
  const file = join(dir, 'cosign.key');
  await writeFile(file, pair.privateKey);
  const r = await run(PYTHON, ['-c', DECRYPT, file, 'correct horse']);
  assert.equal(r.code, 0, r.stderr);
  const der = Buffer.from(r.stdout.trim(), 'hex');
  const fromPython = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  assert.equal(fromPython.export({ format: 'pem', type: 'spki' }), pair.publicKey);
  // and pith reads its own file back to the same key
  const mine = readPrivateKey(Buffer.from(pair.privateKey), 'correct horse', file);
  assert.equal(createPublicKey(mine).export({ format: 'pem', type: 'spki' }), pair.publicKey);
  assert.equal(
    readPublicKey(Buffer.from(pair.publicKey), 'cosign.pub').asymmetricKeyDetails?.namedCurve,
    'prime256v1',
  );
});

it('a key PyNaCl encrypts (older PEM type, scrypt N=65536) is read; an empty passphrase works as cosign allows', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('hex');
  for (const password of ['s3cret', '']) {
    const r = await run(PYTHON, ['-c', ENCRYPT, der, password]);
    assert.equal(r.code, 0, r.stderr);
    const key = readPrivateKey(Buffer.from(r.stdout), password, 'py.key');
    assert.deepEqual(
      createPublicKey(key).export({ format: 'der', type: 'spki' }),
      publicKey.export({ format: 'der', type: 'spki' }),
    );
  }
  await tempDir(t);
});

it('a wrong passphrase, a flipped byte of the box, unknown scrypt costs and other PEM blocks are refused', () => {
  const pair = generateKeyPair('pw');
  const text = Buffer.from(pair.privateKey);
  assert.throws(() => readPrivateKey(text, 'not it', 'k.key'), { code: 'KEY_PASSWORD' });
  const body = pair.privateKey.split('\n').slice(1, -2).join('');
  const doc = JSON.parse(Buffer.from(body, 'base64').toString()) as {
    ciphertext: string;
    kdf: { params: { N: number } };
  };
  const box = Buffer.from(doc.ciphertext, 'base64');
  box[box.length - 1]! ^= 1;
  const pem = (d: unknown) =>
    Buffer.from(
      `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${Buffer.from(JSON.stringify(d)).toString('base64')}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`,
    );
  assert.throws(() => readPrivateKey(pem({ ...doc, ciphertext: box.toString('base64') }), 'pw', 'k.key'), {
    code: 'KEY_PASSWORD',
  });
  // a cost of 2^20 would take a gigabyte: only the three cosign writes are tried
  assert.throws(
    () =>
      readPrivateKey(pem({ ...doc, kdf: { ...doc.kdf, params: { N: 1048576, r: 8, p: 1 } } }), 'pw', 'k.key'),
    {
      code: 'KEY_INVALID',
    },
  );
  assert.throws(() => readPrivateKey(Buffer.from('hello'), 'pw', 'k.key'), {
    code: 'KEY_INVALID',
    message: /no PEM block/,
  });
  assert.throws(() => readPrivateKey(Buffer.from(pair.publicKey), 'pw', 'k.pub'), { code: 'KEY_INVALID' });
  assert.throws(() => readPublicKey(text, 'k.key'), { code: 'KEY_INVALID', message: /PUBLIC KEY/ });
});

it('unencrypted PKCS#8 and SEC1 keys are read as they are', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  for (const type of ['pkcs8', 'sec1'] as const) {
    const pem = Buffer.from(privateKey.export({ format: 'pem', type }));
    assert.equal(readPrivateKey(pem, undefined, 'k.pem').asymmetricKeyDetails?.namedCurve, 'secp384r1');
  }
});
