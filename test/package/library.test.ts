// The package as its users get it (issue 8, points 1 and 4): `dist/` built by tsc, reached by name through
// package.json `exports` from a project that has pith in node_modules. A program builds with two pith
// instances at once against two real registries (docker-registry; one with htpasswd auth whose credentials
// are given in the instance's options, no auth file anywhere); tsc compiles a consumer that names every
// type the API exports; `pith/testing` starts the memory registry.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, run, tempDir } from '../helpers.ts';
import { type RegistryServer, startRegistry } from '../interop/registry-server.ts';

const NODE = process.execPath;
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');

/** A user's project: package.json, and pith installed in node_modules (a link to this checkout). */
async function userProject(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const dir = await tempDir(t, 'pith-user-');
  await mkdir(join(dir, 'node_modules'));
  await symlink(ROOT, join(dir, 'node_modules', 'pith'), 'dir');
  await writeFile(join(dir, 'package.json'), '{ "name": "user-app", "type": "module", "private": true }\n');
  return dir;
}

before(async () => {
  // what `npm ci` (prepare) does: compile src/ to dist/ with declarations
  const r = await run(TSC, ['-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(existsSync(join(ROOT, 'dist', 'api', 'index.d.ts')));
});

describe('two pith instances in one process, from the built package', { timeout: 120_000 }, () => {
  const user = 'lib-user';
  const password = `pw-${randomBytes(12).toString('hex')}`;
  let secured: RegistryServer;
  let open: RegistryServer;
  before(async () => {
    [secured, open] = await Promise.all([
      startRegistry({ auth: { username: user, password } }),
      startRegistry(),
    ]);
  });
  after(async () => {
    await Promise.all([secured?.stop(), open?.stop()]);
  });

  it('both build and push at once; credentials and caches stay with their own instance', async (t) => {
    const dir = await userProject(t);
    const program = join(dir, 'two-contexts.mjs');
    await writeFile(program, await readFile(join(ROOT, 'test', 'fixtures', 'library', 'two-contexts.mjs')));
    const work = join(dir, 'work');
    await mkdir(work);
    const args = { secured: secured.host, user, password, open: open.host, workDir: work };
    // HOME points at an empty directory: no docker or podman auth file can help either instance
    const r = await run(NODE, [program, JSON.stringify(args)], { cwd: dir, env: { HOME: dir } });
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}\n${secured.logTail()}`);
    const out = JSON.parse(r.stdout) as {
      a: { digest: string; pushed: string; settings: { cacheDir: string } };
      b: { digest: string; pushed: string; settings: { cacheDir: string } };
      leak: { code: string; message: string };
      events: { a: number; b: number };
      caches: { a: number; b: number };
    };
    assert.equal(out.a.pushed, out.a.digest, 'a pushed what it built, with the credentials of its options');
    assert.equal(out.b.pushed, out.b.digest, 'b pushed to the anonymous registry');
    assert.equal(out.a.digest, out.b.digest, 'same config, same image');
    assert.equal(
      out.leak.code,
      'UNAUTHORIZED',
      `b must not use a's credentials: ${JSON.stringify(out.leak)}`,
    );
    assert.ok(out.leak.message.includes(secured.host));
    assert.equal(out.a.settings.cacheDir, join(work, 'cache-a'));
    assert.equal(out.b.settings.cacheDir, join(work, 'cache-b'));
    assert.ok(out.caches.a > 0 && out.caches.b > 0, 'each instance filled its own cache');
    assert.ok(out.events.a > 0 && out.events.b > 0, 'each listener heard its own instance');
    assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password), 'the password is never printed');
  });
});

describe('the published surface', { timeout: 120_000 }, () => {
  it('tsc compiles a consumer naming every exported type through `import type … from "pith"`', async (t) => {
    const dir = await userProject(t);
    const { types, values } = await exportedNames(join(ROOT, 'src', 'api', 'index.ts'));
    const required = [
      'Arch',
      'ArtifactSummary',
      'BuildReport',
      'BuildRequest',
      'CallOptions',
      'CopyOptions',
      'CopyReport',
      'Credentials',
      'DebianSummary',
      'DistributionErrorCode',
      'ErrorCode',
      'ImageSummary',
      'InspectReport',
      'LayerSummary',
      'Lock',
      'LockedPackage',
      'LockReason',
      'LockReport',
      'LockRequest',
      'PinChange',
      'PinFileReport',
      'PinOptions',
      'Pith',
      'PithConfig',
      'PithConfigInput',
      'PithEvent',
      'PithOptions',
      'PresetInfo',
      'PresetReport',
      'Problem',
      'RegistryErrorCode',
      'ValidateReport',
      'WhyReport',
      'WhyRequest',
    ];
    assert.deepEqual(
      required.filter((n) => !types.includes(n)),
      [],
      'request and report types all exported',
    );
    const consumer = [
      `import type { ${types.join(', ')} } from 'pith';`,
      `import { ${values.join(', ')} } from 'pith';`,
      `import { startMemoryRegistry, startFakeRepo } from 'pith/testing';`,
      `export type Types = [${types.join(', ')}];`,
      `export type Values = [${values.map((n) => `typeof ${n}`).join(', ')}];`,
      `const pith: Pith = createPith({ cacheDir: '/tmp/x', registries: { insecure: ['h:1'] } });`,
      `const req: BuildRequest = { config: { archs: ['amd64'], entrypoint: ['/app'] }, output: 'oci:out' };`,
      `export const report: Promise<BuildReport> = pith.build(req, { onEvent: (e: PithEvent) => void e });`,
      `export const started = [startMemoryRegistry, startFakeRepo];`,
      // a wrong request must not compile: the types carry the schema
      `// @ts-expect-error entrypoint is exec form only`,
      `export const bad: BuildRequest = { config: { entrypoint: '/app' }, output: 'oci:out' };`,
    ].join('\n');
    await writeFile(join(dir, 'consumer.ts'), `${consumer}\n`);
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2024',
          strict: true,
          noEmit: true,
          types: ['node'],
          skipLibCheck: true,
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    const r = await run(TSC, ['-p', dir], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it('`pith/pith.schema.json` resolves by name to the config JSON Schema', async (t) => {
    const dir = await userProject(t);
    await writeFile(
      join(dir, 'main.mjs'),
      `import schema from 'pith/pith.schema.json' with { type: 'json' };\nconsole.log(Object.keys(schema.properties).includes('packages'));\n`,
    );
    const r = await run(NODE, [join(dir, 'main.mjs')], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'true');
  });

  it('`pith/testing` resolves by name and starts the memory registry', async (t) => {
    const dir = await userProject(t);
    const program = [
      `import { startMemoryRegistry } from 'pith/testing';`,
      `import { createPith } from 'pith';`,
      `const reg = await startMemoryRegistry();`,
      `try {`,
      `  const tags = await createPith({ env: {} }).listTags(reg.host + '/none/here').catch((e) => e.code);`,
      `  console.log(JSON.stringify({ host: reg.host, tags }));`,
      `} finally { await reg.close(); }`,
    ].join('\n');
    await writeFile(join(dir, 'main.mjs'), program);
    const r = await run(NODE, [join(dir, 'main.mjs')], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { host: string; tags: unknown };
    assert.match(out.host, /^127\.0\.0\.1:\d+$/);
    assert.equal(out.tags, 'NAME_UNKNOWN');
  });
});

/** Every name a module exports: types, and values; `export * from './x.ts'` is followed within the folder. */
async function exportedNames(file: string): Promise<{ types: string[]; values: string[] }> {
  const source = await readFile(file, 'utf8');
  const types = new Set<string>();
  const values = new Set<string>();
  for (const m of source.matchAll(/export\s+(type\s+)?\{([^}]*)\}/g)) {
    for (const part of m[2]!.split(',')) {
      const isType = m[1] !== undefined || /^\s*type\s/.test(part);
      const name = part
        .replace(/^\s*type\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      if (name) (isType ? types : values).add(name);
    }
  }
  for (const m of source.matchAll(/^export\s+(type|interface|const|function|class)\s+(\w+)/gm))
    (m[1] === 'type' || m[1] === 'interface' ? types : values).add(m[2]!);
  for (const m of source.matchAll(/^export \* from '(\.\/[^']+)';/gm)) {
    const inner = await exportedNames(join(file, '..', m[1]!));
    for (const n of inner.types) types.add(n);
    for (const n of inner.values) values.add(n);
  }
  return { types: [...types].sort(), values: [...values].sort() };
}
