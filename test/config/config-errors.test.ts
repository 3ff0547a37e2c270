// Acceptance (issue 2, point 5): bad input tried as a new user would. Each case gives exactly one clear
// message naming the field with file:line:col, exit code 3, no stack trace, and leaves no output behind.
import assert from 'node:assert/strict';
import { chmod, copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pithUnprivileged } from '../assemble/files-helpers.ts';
import { pith, ROOT, run, tempDir } from '../helpers.ts';

interface Case {
  name: string;
  yaml: string;
  /** The whole expected message after `pith: `, with FILE standing for the config path. */
  message: RegExp;
}

const HELLO = 'files:\n  - src: hello\n    dst: /usr/bin/hello\n';

const CASES: Case[] = [
  {
    name: 'missing source file',
    yaml: 'files:\n  - src: no-such-file\n    dst: /usr/bin/x\n',
    message:
      /^FILE:2:10: files\[0\]\.src: cannot find .*\/no-such-file: no such file or directory \(ENOENT\)$/,
  },
  {
    name: 'shell-form entrypoint',
    yaml: `${HELLO}entrypoint: /usr/bin/hello --greet\n`,
    message: /^FILE:4:13: entrypoint: must be a list of strings \(exec form\).*no shell$/,
  },
  {
    name: 'shell-form cmd',
    yaml: `${HELLO}cmd: "hello world"\n`,
    message: /^FILE:4:6: cmd: must be a list of strings \(exec form\)/,
  },
  {
    name: 'bad mode (digits outside 0-7, written as a YAML number)',
    yaml: `${HELLO}    mode: 0999\n`,
    message: /^FILE:4:11: files\[0\]\.mode: must be an octal mode such as "0755"/,
  },
  {
    name: 'bad mode (too many digits, quoted)',
    yaml: `${HELLO}    mode: "17777"\n`,
    message: /^FILE:4:11: files\[0\]\.mode: must be an octal mode/,
  },
  {
    name: 'two files to one destination',
    yaml: `${HELLO}  - src: hello\n    dst: /usr/bin/hello\n`,
    message: /^FILE:5:10: files\[1\]\.dst: \/usr\/bin\/hello is already added by FILE:3:10$/,
  },
  {
    name: 'destination escaping the root',
    yaml: 'files:\n  - src: hello\n    dst: /../../etc/evil\n',
    message: /^FILE:3:10: files\[0\]\.dst: .*escapes the image root/,
  },
  {
    name: 'relative destination',
    yaml: 'files:\n  - src: hello\n    dst: ../outside\n',
    message: /^FILE:3:10: files\[0\]\.dst: must be an absolute path in the image/,
  },
  {
    name: 'malformed YAML',
    yaml: 'files:\n  - src: hello\n   dst: /x\n',
    message: /^FILE:3:\d+: /,
  },
  {
    name: 'unknown top-level key',
    yaml: `${HELLO}entrypiont: [/usr/bin/hello]\n`,
    message: /^FILE:4:1: entrypiont: unknown key \(did you mean "entrypoint"\?\)$/,
  },
  {
    name: 'unknown key close to context',
    yaml: `${HELLO}contxt: ..\n`,
    message: /^FILE:4:1: contxt: unknown key \(did you mean "context"\?\)$/,
  },
  {
    name: 'NUL byte in a src path',
    yaml: 'files:\n  - src: "hel\\0lo"\n    dst: /x\n',
    message: /^FILE:2:10: files\[0\]\.src: cannot contain a NUL byte$/,
  },
  {
    name: 'YAML alias bomb',
    yaml: `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
    message: /^FILE: YAML aliases expand too far \(more than 100 alias expansions\); write the values out$/,
  },
  {
    name: 'unknown key in a files entry',
    yaml: `${HELLO}    perms: "0755"\n`,
    message: /^FILE:4:5: files\[0\]\.perms: unknown key$/,
  },
  {
    name: 'entrypoint not in the image',
    yaml: `${HELLO}entrypoint: [/usr/bin/missing]\n`,
    message: /^FILE:4:14: entrypoint\[0\]: \/usr\/bin\/missing is not in the image/,
  },
  {
    name: 'unknown user name',
    yaml: `${HELLO}user: alice\n`,
    message: /^FILE:4:7: user: "alice" is not a user id or one of root, nobody, nonroot$/,
  },
  {
    name: 'wrong type',
    yaml: `${HELLO}archs: amd64\n`,
    message: /^FILE:4:8: archs: /,
  },
];

// A config is refused before any output is opened, whatever its kind: the first cases check all three
// output kinds, the others one (each case is a CLI process; the suite stays fast).
const ALL_OUTPUTS = ['oci:out/img', 'oci-archive:out/img.tar', 'docker-archive:out/img.tar:x/y:1'];

for (const [i, c] of CASES.entries()) {
  test(`bad config: ${c.name}`, async (t) => {
    const dir = await tempDir(t);
    await copyFile(join(ROOT, 'examples/hello/hello-amd64'), join(dir, 'hello'));
    const config = join(dir, 'pith.yaml');
    await writeFile(config, c.yaml);
    for (const output of i < 2 ? ALL_OUTPUTS : ALL_OUTPUTS.slice(i % 3, (i % 3) + 1)) {
      const r = await pith(['build', config, '--output', output], { cwd: dir });
      assert.equal(r.code, 3, `exit code for ${output}; stderr: ${r.stderr}`);
      assert.equal(r.stdout, '');
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('pith: '));
      assert.equal(lines.length, 1, `exactly one error line, got:\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      const message = lines[0]!.slice('pith: '.length).replaceAll(config, 'FILE');
      assert.match(message, c.message);
      assert.deepEqual((await readdir(dir)).sort(), ['hello', 'pith.yaml'], 'nothing written, not even out/');
    }
  });
}

test('bad config: a config file that does not exist', async (t) => {
  const dir = await tempDir(t);
  const r = await pith(['build', 'nope.yaml', '--output', 'oci:out'], { cwd: dir });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /(^|\n)pith: cannot read nope\.yaml: no such file or directory \(ENOENT\)\n$/);
  assert.deepEqual(await readdir(dir), []);
});

test('bad config: a device or a FIFO given as the config is refused at once (no hang, no heap)', async (t) => {
  const dir = await tempDir(t);
  const fifo = join(dir, 'fifo.yaml');
  const made = await run('mkfifo', [fifo]);
  assert.equal(made.code, 0, made.stderr);
  for (const [file, what] of [
    ['/dev/zero', 'a character device'],
    [fifo, 'a FIFO'],
  ]) {
    const r = await pith(['build', file!, '--output', 'oci:out'], { cwd: dir });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`\npith: config ${file} is ${what}, not a regular file\n$`));
  }
  assert.deepEqual((await readdir(dir)).sort(), ['fifo.yaml']);
});

test('bad config: a directory given as the config', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'conf'));
  const r = await pith(['build', 'conf', '--output', 'oci:out'], { cwd: dir });
  assert.equal(r.code, 3);
  assert.match(
    r.stderr,
    /(^|\n)pith: cannot read conf: is a directory \(EISDIR\); name the config file in it \(e\.g\. conf\/pith\.yaml\)\n$/,
  );
  assert.deepEqual(await readdir(dir), ['conf']);
});

test('bad config: a config file that cannot be read is an environment failure (exit 5)', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'pith.yaml'), HELLO);
  await chmod(join(dir, 'pith.yaml'), 0o000);
  const r = await pithUnprivileged(['build', 'pith.yaml', '--output', 'oci:out'], dir);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /(^|\n)pith: cannot read pith\.yaml: permission denied \(EACCES\)\n$/);
});

test('bad config: SOURCE_DATE_EPOCH that is not a number of seconds', async (t) => {
  const dir = await tempDir(t);
  await copyFile(join(ROOT, 'examples/hello/hello-amd64'), join(dir, 'hello'));
  await writeFile(join(dir, 'pith.yaml'), HELLO);
  const r = await pith(['build', 'pith.yaml', '--output', 'oci:out'], {
    cwd: dir,
    env: { SOURCE_DATE_EPOCH: '2024-01-01' },
  });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /SOURCE_DATE_EPOCH="2024-01-01" is not a whole number of seconds/);
  assert.deepEqual((await readdir(dir)).sort(), ['hello', 'pith.yaml']);
});

test('bad output reference: unknown transport', async (t) => {
  const dir = await tempDir(t);
  const r = await pith(['build', 'pith.yaml', '--output', 'out/x'], { cwd: dir });
  assert.equal(r.code, 3);
  assert.match(
    r.stderr,
    /"out\/x": no transport given; use one of oci:PATH, oci-archive:PATH, docker-archive:PATH, docker:\/\/HOST\/REPO:TAG/,
  );
});
