// Registry credentials: where they are looked up (podman auth.json, docker config.json, in that order),
// every entry form (auth, username/password, identity and registry tokens), Docker Hub's legacy keys,
// credential helpers through the docker-credential-* protocol, and login/logout writing files safely.
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  authFiles,
  keychain,
  loginFile,
  removeLogin,
  saveLogin,
} from '../../../src/io/registry/auth/index.ts';
import { tempDir } from '../../helpers.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
let binDir: string;
let oldPath: string | undefined;

/** A fake credential helper: answers from a JSON store file, records store/erase calls. */
const HELPER = `#!/bin/sh
store="$(dirname "$0")/store.json"
input="$(cat)"
case "$1" in
  get)
    case "$input" in
      reg.example.invalid) echo '{"ServerURL":"reg.example.invalid","Username":"alice","Secret":"s3cret"}' ;;
      tok.example.invalid) echo '{"ServerURL":"tok.example.invalid","Username":"<token>","Secret":"refresh-1"}' ;;
      https://index.docker.io/v1/) echo '{"ServerURL":"https://index.docker.io/v1/","Username":"hubuser","Secret":"hubpass"}' ;;
      boom.example.invalid) echo "internal failure leaking s3cret" >&2; exit 3 ;;
      *) echo "credentials not found in native keychain"; exit 1 ;;
    esac ;;
  store) echo "$input" > "$store" ;;
  erase) echo "erased $input" > "$store" ;;
esac
`;

before(async () => {
  binDir = await (await import('node:fs/promises')).mkdtemp(
    join((await import('node:os')).tmpdir(), 'pith-helper-'),
  );
  await writeFile(join(binDir, 'docker-credential-fake'), HELPER);
  await chmod(join(binDir, 'docker-credential-fake'), 0o755);
  oldPath = process.env['PATH'];
  process.env['PATH'] = `${binDir}:${oldPath}`;
});
after(async () => {
  process.env['PATH'] = oldPath;
  await (await import('node:fs/promises')).rm(binDir, { recursive: true, force: true });
});

describe('keychain', () => {
  it('consults REGISTRY_AUTH_FILE, else XDG and ~/.config auth.json, then docker config.json', () => {
    assert.deepEqual(authFiles({ env: { REGISTRY_AUTH_FILE: '/x/auth.json' }, home: '/h' }), [
      '/x/auth.json',
      '/h/.docker/config.json',
    ]);
    assert.deepEqual(authFiles({ env: { XDG_RUNTIME_DIR: '/run/u', DOCKER_CONFIG: '/d' }, home: '/h' }), [
      '/run/u/containers/auth.json',
      '/h/.config/containers/auth.json',
      '/d/config.json',
    ]);
    assert.equal(loginFile({ env: {}, home: '/h' }), '/h/.docker/config.json');
    assert.equal(loginFile({ env: { REGISTRY_AUTH_FILE: '/x/a.json' }, home: '/h' }), '/x/a.json');
  });

  it('reads every entry form, and the first file that knows the registry wins', async (t) => {
    const home = await tempDir(t);
    await mkdir(join(home, '.config/containers'), { recursive: true });
    await mkdir(join(home, '.docker'), { recursive: true });
    await writeFile(
      join(home, '.config/containers/auth.json'),
      JSON.stringify({ auths: { 'a.example.invalid:5000': { auth: b64('podman:pw:with:colons') } } }),
    );
    await writeFile(
      join(home, '.docker/config.json'),
      JSON.stringify({
        auths: {
          'a.example.invalid:5000': { auth: b64('docker:ignored') },
          'https://b.example.invalid': { username: 'bob', password: 'pw2' },
          'c.example.invalid': { identitytoken: 'id-tok' },
          'd.example.invalid': { registrytoken: 'reg-tok' },
          'https://index.docker.io/v1/': { auth: b64('hub:pw') },
        },
      }),
    );
    const keys = keychain({ env: {}, home });
    assert.deepEqual(await keys('a.example.invalid:5000'), {
      username: 'podman',
      password: 'pw:with:colons',
    });
    assert.deepEqual(await keys('b.example.invalid'), { username: 'bob', password: 'pw2' });
    assert.deepEqual(await keys('c.example.invalid'), { identityToken: 'id-tok' });
    assert.deepEqual(await keys('d.example.invalid'), { registryToken: 'reg-tok' });
    assert.deepEqual(await keys('docker.io'), { username: 'hub', password: 'pw' });
    assert.equal(await keys('unknown.example.invalid'), undefined);
  });

  it('asks credHelpers and credsStore through the docker-credential protocol', async (t) => {
    const home = await tempDir(t);
    await mkdir(join(home, '.docker'), { recursive: true });
    await writeFile(
      join(home, '.docker/config.json'),
      JSON.stringify({
        credHelpers: { 'reg.example.invalid': 'fake', 'tok.example.invalid': 'fake' },
        credsStore: 'fake',
      }),
    );
    const keys = keychain({ env: {}, home });
    assert.deepEqual(await keys('reg.example.invalid'), { username: 'alice', password: 's3cret' });
    assert.deepEqual(await keys('tok.example.invalid'), { identityToken: 'refresh-1' });
    assert.deepEqual(
      await keys('docker.io'),
      { username: 'hubuser', password: 'hubpass' },
      'credsStore, asked with the legacy Hub URL',
    );
    assert.equal(await keys('none.example.invalid'), undefined, '"credentials not found" means anonymous');
  });

  it('reports a failing or missing helper without leaking what it printed', async (t) => {
    const home = await tempDir(t);
    await mkdir(join(home, '.docker'), { recursive: true });
    await writeFile(
      join(home, '.docker/config.json'),
      JSON.stringify({
        credHelpers: { 'boom.example.invalid': 'fake', 'gone.example.invalid': 'nosuchhelper' },
      }),
    );
    const keys = keychain({ env: {}, home });
    await assert.rejects(keys('boom.example.invalid'), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'CRED_HELPER_FAILED');
      assert.doesNotMatch(e.message, /s3cret/);
      return true;
    });
    await assert.rejects(keys('gone.example.invalid'), /docker-credential-nosuchhelper is not installed/);
  });

  it('refuses a malformed auth file with its path', async (t) => {
    const home = await tempDir(t);
    await mkdir(join(home, '.docker'), { recursive: true });
    await writeFile(join(home, '.docker/config.json'), '{ not json');
    await assert.rejects(
      keychain({ env: {}, home })('x.example.invalid'),
      /\.docker\/config\.json: not a valid auth file/,
    );
  });
});

describe('login and logout', () => {
  it('writes a base64 auth entry, keeps other fields, mode 0600; logout removes it', async (t) => {
    const dir = await tempDir(t);
    const path = join(dir, 'cfg', 'config.json');
    await mkdir(join(dir, 'cfg'));
    await writeFile(
      path,
      JSON.stringify({ auths: { 'other.example.invalid': { auth: b64('o:p') } }, psFormat: 'table' }),
    );
    await saveLogin(path, '127.0.0.1:5000', 'alice', 'pw');
    const saved = JSON.parse(await readFile(path, 'utf8'));
    assert.equal(saved.psFormat, 'table');
    assert.equal(saved.auths['127.0.0.1:5000'].auth, b64('alice:pw'));
    assert.equal(saved.auths['other.example.invalid'].auth, b64('o:p'));
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await keychain({ env: { REGISTRY_AUTH_FILE: path }, home: dir })('127.0.0.1:5000'), {
      username: 'alice',
      password: 'pw',
    });
    assert.equal(await removeLogin(path, '127.0.0.1:5000'), true);
    assert.equal(JSON.parse(await readFile(path, 'utf8')).auths['127.0.0.1:5000'], undefined);
    assert.equal(await removeLogin(path, '127.0.0.1:5000'), false);
  });

  it('stores through the file credential helper when it names one', async (t) => {
    const dir = await tempDir(t);
    const path = join(dir, 'config.json');
    await writeFile(path, JSON.stringify({ credsStore: 'fake' }));
    await saveLogin(path, 'reg.example.invalid', 'carol', 'pw3');
    assert.deepEqual(JSON.parse(await readFile(join(binDir, 'store.json'), 'utf8')), {
      ServerURL: 'reg.example.invalid',
      Username: 'carol',
      Secret: 'pw3',
    });
    assert.deepEqual(
      JSON.parse(await readFile(path, 'utf8')),
      { credsStore: 'fake' },
      'the secret is not written to the file',
    );
    await removeLogin(path, 'reg.example.invalid');
    assert.equal((await readFile(join(binDir, 'store.json'), 'utf8')).trim(), 'erased reg.example.invalid');
  });
});
