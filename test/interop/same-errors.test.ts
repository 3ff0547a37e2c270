// A request is validated whatever its source (issue 8, point 3): the same bad config given as a file and
// as an object, and the same bad --arch given on the command line and through the API, fail with the same
// error code and field path.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Arch, createPith, isPithError, type PithConfigInput } from '../../src/api/index.ts';
import { pith as cli, tempDir } from '../helpers.ts';

/** The code and field path an API call fails with. */
async function apiFailure(call: Promise<unknown>): Promise<{ code: string; field: unknown }> {
  const err = await call.then(
    () => assert.fail('the call succeeded'),
    (e: unknown) => e,
  );
  assert.ok(isPithError(err), `not a PithError: ${String(err)}`);
  return { code: err.code, field: err.details['field'] };
}

/** The code and field path of the CLI's --json error object. */
async function cliFailure(args: string[], cwd?: string): Promise<{ code: string; field: unknown }> {
  const r = await cli([...args, '--json'], cwd ? { cwd } : {});
  assert.equal(r.code, 3, r.stderr);
  const { error } = JSON.parse(r.stdout) as { error: { code: string; field?: unknown } };
  return { code: error.code, field: error.field };
}

const pith = createPith({ env: {} });

describe('the same mistake, the same error', () => {
  it('a bad config as a file and as an object: CONFIG_INVALID at the same field', async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, 'pith.yaml');
    await writeFile(file, 'archs: [amd64, sparc]\nentrypoint: /app\n');
    const object = { archs: ['amd64', 'sparc'], entrypoint: '/app' } as unknown as PithConfigInput;
    const fromFile = await apiFailure(pith.build({ config: file, output: `oci:${join(dir, 'a')}` }));
    const fromObject = await apiFailure(
      pith.build({ config: object, baseDir: dir, output: `oci:${join(dir, 'b')}` }),
    );
    assert.deepEqual(fromFile, { code: 'CONFIG_INVALID', field: 'archs[1]' });
    assert.deepEqual(fromObject, fromFile);
    assert.deepEqual(await cliFailure(['build', file, '-o', `oci:${join(dir, 'c')}`]), fromFile);
  });

  it('a bad --arch on the command line and through the API: the same code and field', async (t) => {
    const dir = await tempDir(t);
    const api = await apiFailure(
      pith.build({ preset: 'static', archs: ['sparc' as Arch], output: `oci:${join(dir, 'a')}` }),
    );
    assert.deepEqual(api, { code: 'CONFIG_INVALID', field: 'archs[0]' });
    const onCli = await cliFailure(['build', '--preset', 'static', '--arch', 'sparc', '-o', `oci:${dir}/b`]);
    assert.deepEqual(onCli, api);
    // over a config file that names its own archs, the override is what is checked, at the same path
    await writeFile(join(dir, 'pith.yaml'), 'archs: [amd64]\nfiles: []\n');
    const over = await cliFailure(['lock', 'pith.yaml', '--arch', 'sparc'], dir);
    assert.deepEqual(over, api);
  });

  it('a bad --variant and --suite likewise', async (t) => {
    const dir = await tempDir(t);
    const out = `oci:${join(dir, 'o')}`;
    for (const [flag, field, value] of [
      ['--variant', 'variant', 'slim'],
      ['--suite', 'suite', 'sid'],
    ] as const) {
      const api = await apiFailure(pith.build({ preset: 'static', [field]: value, output: out } as never));
      assert.deepEqual(api, { code: 'CONFIG_INVALID', field });
      assert.deepEqual(await cliFailure(['build', '--preset', 'static', flag, value, '-o', out]), api);
    }
  });

  it('a config object with an unknown key names the key; nothing is written', async (t) => {
    const dir = await tempDir(t);
    const failure = await apiFailure(
      pith.build({
        config: { entrypiont: ['/app'] } as unknown as PithConfigInput,
        output: `oci:${join(dir, 'out')}`,
      }),
    );
    assert.deepEqual(failure, { code: 'CONFIG_INVALID', field: 'entrypiont' });
  });
});
