// The python3 preset's /etc/ld.so.cache, computed by pith without running anything from the image, is
// byte-identical to what the image's own ldconfig (trixie's glibc) writes, and makes
// ctypes.util.find_library work, as in distroless (briefs/distroless.md §1.7).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '../helpers.ts';
import { buildJson, Podman } from './helpers.ts';

const podman = new Podman();
after(() => podman.cleanup());

const SCRIPT = `
import ctypes.util, subprocess
r = subprocess.run(['/usr/sbin/ldconfig', '-X', '-C', '/tmp/real.cache'], capture_output=True, text=True)
assert r.returncode == 0, r.stderr
print(open('/tmp/real.cache', 'rb').read() == open('/etc/ld.so.cache', 'rb').read())
print(ctypes.util.find_library('ssl'), ctypes.util.find_library('z'), ctypes.util.find_library('sqlite3'))
`;

test('python3: /etc/ld.so.cache equals the image ldconfig output, and find_library works', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'py.tar');
  await buildJson({
    preset: 'python3',
    archs: ['amd64'],
    output: `docker-archive:${file}:localhost/pith-e2e/py-ldcache:1`,
  });
  const image = await podman.load(file);
  const out = await podman.ok(image, ['--user', '0'], ['-c', SCRIPT]);
  assert.equal(out, 'True\nlibssl.so.3 libz.so.1 libsqlite3.so.0\n');
});
