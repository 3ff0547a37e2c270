// Secrets (issue 10, point 2): twelve kinds planted in one layer and deleted by the next are each found,
// with that layer named and the deletion said; secrets in the config's Env and in a history line (a build
// argument) are found too; no finding ever prints the secret. Placeholders and documentation are not
// findings. (The corpus of Debian's own files is in test/e2e/secrets-corpus.test.ts.)
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { it } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { bytesEntry } from '../../src/tar/index.ts';
import { tempDir } from '../helpers.ts';
import { entriesLayout } from '../layout-helpers.ts';

/** A deterministic random-looking string over `alphabet` (mulberry32). */
function token(
  seed: number,
  length: number,
  alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
) {
  let a = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out += alphabet[((t ^ (t >>> 14)) >>> 0) % alphabet.length];
  }
  return out;
}

const b64url = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
});
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** path → [content, the rule name expected]. */
const PLANTED: Record<string, [string, string]> = {
  'root/.ssh/id_ecdsa': [String(pem), 'private-key'],
  'app/config.py': [`AWS_ACCESS_KEY_ID = "AKIA${token(1, 16, UPPER32)}"\n`, 'aws-access-key-id'],
  'root/.aws/credentials': [
    `[default]\naws_secret_access_key = ${token(2, 40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+')}\n`,
    'aws-secret-access-key',
  ],
  'app/deploy.sh': [`git clone https://x:ghp_${token(3, 36)}@forge.invalid/repo\n`, 'github-token'],
  'app/ci.yml': [`token: glpat-${token(4, 20)}\n`, 'gitlab-token'],
  'app/maps.js': [`const key = "AIza${token(5, 35)}";\n`, 'gcp-api-key'],
  'root/.npmrc': [`//registry.invalid/:_authToken=${token(6, 36)}\n`, 'npmrc-auth'],
  'root/.docker/config.json': [
    `{"auths":{"registry.invalid":{"auth":"${Buffer.from(`ci:${token(7, 24)}`).toString('base64')}"}}}\n`,
    'registry-auth',
  ],
  'app/.env': [`DEBUG=1\nDATABASE_PASSWORD=${token(8, 20)}\n`, 'dotenv-secret'],
  'app/session.txt': [
    `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: token(9, 12), iat: 1 })}.${token(10, 43)}\n`,
    'jwt',
  ],
  'app/payments.rb': [`Stripe.api_key = "sk_live_${token(11, 32)}"\n`, 'stripe-live-key'],
  'root/.pypirc': [
    `[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc${token(12, 60)}\n`,
    'pypi-token',
  ],
};

it('secrets of twelve kinds, planted and deleted in the next layer, are each found in the layer that ships them', async (t) => {
  const dir = await tempDir(t);
  const paths = Object.keys(PLANTED).sort();
  const ref = await entriesLayout(
    dir,
    'layout',
    {},
    paths.map((p) => bytesEntry(p, Buffer.from(PLANTED[p]![0]))),
    paths.map((p) =>
      bytesEntry(
        `${p.slice(0, p.lastIndexOf('/') + 1)}.wh.${p.slice(p.lastIndexOf('/') + 1)}`,
        Buffer.alloc(0),
      ),
    ),
  );
  const report = await createPith({ cacheDir: join(dir, 'cache'), env: {} }).audit(ref);
  const img = report.images[0]!;
  const secrets = img.findings.filter((f) => f.id.startsWith('PITH-S'));
  assert.deepEqual(
    secrets.map((f) => `${f.path} ${f.message.split(' ')[0]}`).sort(),
    paths.map((p) => `/${p} ${PLANTED[p]![1]}`).sort(),
  );
  for (const f of secrets) {
    assert.equal(f.layer, 0, f.message);
    assert.equal(f.layerDigest, img.layers[0]!.digest);
    assert.equal(f.severity, 'high');
    assert.match(f.message, /deleted or replaced by a later layer/);
  }
  // the secrets themselves are never printed
  const json = JSON.stringify(report);
  for (const p of paths) {
    const secret = /(AKIA\w+|ghp_\w+|glpat-\w+|AIza\w+|sk_live_\w+|pypi-\w+)/.exec(PLANTED[p]![0])?.[1];
    if (secret) assert.ok(!json.includes(secret), `${p}: secret printed`);
  }
  assert.ok(!json.includes('BEGIN PRIVATE KEY-----\nM'), 'key material printed');
});

it('secrets in the config Env and in a build argument in the history; placeholders and docs are not', async (t) => {
  const dir = await tempDir(t);
  const ref = await entriesLayout(
    dir,
    'layout',
    {
      config: {
        Env: [
          `PATH=/usr/bin`,
          `DB_PASSWORD=${token(20, 16)}`,
          'API_TOKEN=changeme-please',
          'TOKEN_FILE=/run/secrets/t',
        ],
      },
      baseHistory: [{ created_by: `|1 NPM_TOKEN=npm_${token(21, 36)} /bin/sh -c npm ci` }],
    },
    [
      bytesEntry('app/README.example', Buffer.from('AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n')),
      bytesEntry('usr/share/doc/tool/key.pem', Buffer.from(String(pem))),
      bytesEntry('app/.env', Buffer.from('API_KEY=xxxxxxxxxxxxxxxx\nSECRET=${SECRET}\n')),
    ],
  );
  const img = (await createPith({ cacheDir: join(dir, 'cache'), env: {} }).audit(ref)).images[0]!;
  const secrets = img.findings.filter((f) => f.id.startsWith('PITH-S'));
  assert.deepEqual(secrets.map((f) => `${f.id} ${f.message.replace(/ \S*… \(\d+ chars\)/, ' …')}`).sort(), [
    'PITH-S010 npm-token … in history[0]',
    'PITH-S021 config-secret-variable … in config Env',
  ]);
  assert.ok(secrets.every((f) => f.path === undefined && f.layer === undefined));
  // a value without a public prefix is shown by its length only; a build argument's history line is withheld
  assert.ok(!JSON.stringify(img).includes(token(20, 16).slice(0, 4)), 'no part of the password');
  assert.ok(!JSON.stringify(img).includes(token(21, 36)), 'no part of the token');
  assert.equal(img.layers[0]?.createdBy, '(withheld: this history line holds a secret)');
});

it('hostile texts: a thousand keys are a few findings, and patterns do not backtrack without end', async () => {
  const { scanText } = await import('../../src/audit/index.ts');
  const keys = Array.from({ length: 50_000 }, (_, i) => `AKIA${token(100 + i, 16, UPPER32)}`).join('\n');
  assert.equal(scanText(keys).length, 10, 'at most 10 hits per rule per file');
  assert.deepEqual(
    scanText('-----BEGIN PRIVATE KEY-----\n'.repeat(75_000)),
    [],
    'BEGIN lines without an END',
  );
  assert.deepEqual(scanText(`@\n${'http://a:'.repeat(200_000)}`, 'root/.git-credentials'), []);
  assert.deepEqual(scanText(`eyJ${'a'.repeat(2_000_000)}`), []);
});
