// PEP 552 bytecode headers against CPython itself (the host's python3, offline): importlib.util.source_hash
// of inputs of every length around the 8-byte blocks and of a real module; a pip-style timestamp pyc
// rewritten by pith is byte for byte the unchecked-hash pyc py_compile writes; CPython loads the result
// with hash checking forced on (--check-hash-based-pycs always). The 3.13 vectors were printed by the
// python3 image's own CPython (importlib.util.source_hash), and are checked again by test/e2e/python-app.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pycMagic, pycSource, sourceHash, uncheckedHashPyc } from '../../src/assemble/python-pyc.ts';
import { run, tempDir } from '../helpers.ts';

/** Runs python3 -c SCRIPT ARGS, asserts success and returns its output. */
async function python(script: string, ...args: string[]): Promise<string> {
  const r = await run('python3', ['-c', script, ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

const host = (async () => {
  const [minor, magic] = (
    await python('import sys, importlib.util; print(sys.version_info[1], importlib.util.MAGIC_NUMBER.hex())')
  ).split(' ');
  return { minor: Number(minor), magic: Buffer.from(magic!, 'hex') };
})();

test("pith's magic number for the host's CPython is the one importlib has", async () => {
  const { minor, magic } = await host;
  assert.deepEqual(pycMagic(minor), magic, `python3.${minor}`);
  assert.equal(pycMagic(99), undefined, 'an unknown version has no guessed magic');
});

test('source_hash: every length from 0 to 70 bytes, and a real module, as CPython computes it', async () => {
  const { magic } = await host;
  const inputs = Array.from({ length: 71 }, (_, n) =>
    Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n * 11 + 200) & 0xff)),
  );
  const stdlib = await python('import os; print(os.__file__)');
  inputs.push(await readFile(stdlib));
  const want = JSON.parse(
    await python(
      'import sys, json, importlib.util; print(json.dumps([importlib.util.source_hash(bytes.fromhex(h)).hex() for h in json.loads(sys.argv[1])]))',
      JSON.stringify(inputs.map((b) => b.toString('hex'))),
    ),
  ) as string[];
  assert.deepEqual(
    inputs.map((b) => sourceHash(magic, b).toString('hex')),
    want,
  );
});

test("source_hash under CPython 3.13's magic number, as the python3 image computes it", () => {
  const magic = pycMagic(13)!;
  assert.equal(magic.toString('hex'), 'f30d0d0a');
  assert.equal(sourceHash(magic, Buffer.from('')).toString('hex'), '27ec6d312f93b814');
  assert.equal(sourceHash(magic, Buffer.from('abc')).toString('hex'), 'c9ff551a534790a0');
});

test("a timestamp pyc rewritten is py_compile's unchecked-hash pyc, and CPython loads it with checks forced", async (t) => {
  const { magic } = await host;
  const dir = await tempDir(t, 'pith-pyc-');
  await mkdir(join(dir, 'pkg'));
  const src = 'import os\n\ndef answer():\n    return 42 if os.sep else 0\n';
  await writeFile(join(dir, 'pkg', '__init__.py'), src);
  const cached = await python(
    `import py_compile, importlib.util, sys
src = sys.argv[1] + '/pkg/__init__.py'
out = importlib.util.cache_from_source(src)
py_compile.compile(src, out + '.ts', invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP, doraise=True)
py_compile.compile(src, out, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH, doraise=True)
print(out)`,
    dir,
  );
  const timestamp = await readFile(`${cached}.ts`);
  assert.equal(timestamp.readUInt32LE(4), 0, 'py_compile wrote a timestamp pyc');
  const want = await readFile(cached);
  const got = uncheckedHashPyc(timestamp, magic, Buffer.from(src));
  assert.deepEqual(got, want);
  await writeFile(cached, got);
  const r = await run(
    'python3',
    ['--check-hash-based-pycs', 'always', '-v', '-c', 'import pkg; print(pkg.answer())'],
    { cwd: dir },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '42');
  assert.match(r.stderr, /code object from '[^']*__init__\.cpython-\d+\.pyc'/, 'loaded from the pyc');
});

test('a cached pyc names its source and cache tag (PEP 3147)', () => {
  assert.deepEqual(pycSource('a/b/__pycache__/mod.cpython-313.pyc'), {
    source: 'a/b/mod.py',
    tag: 'cpython-313',
  });
  assert.deepEqual(pycSource('__pycache__/x.cpython-311.opt-1.pyc'), { source: 'x.py', tag: 'cpython-311' });
  assert.equal(pycSource('a/mod.pyc'), undefined, 'a legacy sourceless pyc is not a cache');
  assert.equal(pycSource('a/__pycache__/README'), undefined);
});
