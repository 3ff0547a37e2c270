// Node.js's two binary sources, served on 127.0.0.1 in their real formats: an npm registry (abbreviated
// metadata, tarballs made by `npm pack`) and a release dist (index.json, SHASUMS256.txt.asc cleartext-signed
// by GnuPG with a key made per test, node-vX-linux-ARCH.tar.gz made by GNU tar with the release's layout:
// bin/node, bin/npm, include/, lib/node_modules/npm, share/, LICENSE, README.md).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { tempDir } from '../helpers.ts';

const exec = promisify(execFile);

export interface NodeSources {
  /** The npm registry's URL (with a trailing slash). */
  registry: string;
  /** The release dist's URL (with a trailing slash). */
  dist: string;
  /** The armored public key that signed SHASUMS256.txt.asc. */
  keyFile: string;
  /** What is served, by URL path; tests may replace entries. */
  files: Map<string, Buffer>;
  /** The fake node binary of a version and npm/dist arch name. */
  binary(version: string, arch: string): Buffer;
  /** URL paths asked for, in order. */
  requests: string[];
  /** Publishes packages made by one `npm pack` from these files (package.json from `manifest`). */
  publish(pkgs: PackageSpec[]): Promise<Published[]>;
}

export interface PackageSpec {
  name: string;
  version: string;
  files?: Record<string, string | Buffer>;
  manifest?: Record<string, unknown>;
}

export interface Published {
  tarball: string;
  integrity: string;
}

/** Starts the two sources for the versions given (each for x64 and arm64). */
export async function startNodeSources(t: TestContext, versions: readonly string[]): Promise<NodeSources> {
  const dir = await tempDir(t, 'pith-node-src-');
  const files = new Map<string, Buffer>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const body = files.get(path);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => close(server));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const binary = (v: string, a: string) => Buffer.from(`#!fake node ${v} ${a}\n${'x'.repeat(4096)}\n`);
  const gnupg = await gpgHome(dir);
  const keyFile = join(dir, 'release-key.asc');
  await writeFile(keyFile, (await exec('gpg', ['--homedir', gnupg, '--armor', '--export'])).stdout);
  await publishNpm(files, dir, base, versions, binary);
  await publishDist(files, dir, gnupg, versions, binary);
  const publish = (pkgs: PackageSpec[]) => publishPackages(files, dir, base, pkgs);
  return { registry: `${base}/npm/`, dist: `${base}/dist/`, keyFile, files, binary, requests, publish };
}

/** `npm pack` of packages (one npm run), each served at REGISTRY/NAME/-/BASENAME-VERSION.tgz and listed in its metadata. */
async function publishPackages(
  files: Map<string, Buffer>,
  dir: string,
  base: string,
  specs: readonly PackageSpec[],
): Promise<Published[]> {
  const srcs: string[] = [];
  for (const spec of specs) {
    const src = join(dir, 'pkgs', `${spec.name.replace('/', '+')}-${spec.version}`);
    await mkdir(src, { recursive: true });
    const manifest = { name: spec.name, version: spec.version, license: 'MIT', ...spec.manifest };
    await writeFile(join(src, 'package.json'), JSON.stringify(manifest));
    for (const [rel, content] of Object.entries(spec.files ?? {})) {
      await mkdir(join(src, rel, '..'), { recursive: true });
      await writeFile(join(src, rel), content, { mode: rel.startsWith('bin/') ? 0o755 : 0o644 });
    }
    srcs.push(src);
  }
  const { stdout } = await exec(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', dir, ...srcs],
    {
      cwd: dir,
    },
  );
  const packed = JSON.parse(stdout) as {
    name: string;
    version: string;
    filename: string;
    integrity: string;
    shasum: string;
  }[];
  const out: Published[] = [];
  for (const [i, spec] of specs.entries()) {
    const p = packed[i]!;
    const manifest = JSON.parse(await readFile(join(srcs[i]!, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const unscoped = spec.name.replace(/^@[^/]+\//, '');
    const path = `/npm/${spec.name}/-/${unscoped}-${spec.version}.tgz`;
    files.set(path, await readFile(join(dir, p.filename)));
    const metaPath = `/npm/${spec.name}`;
    const meta: { name: string; versions: Record<string, unknown> } = files.has(metaPath)
      ? (JSON.parse(files.get(metaPath)!.toString()) as { name: string; versions: Record<string, unknown> })
      : { name: spec.name, versions: {} };
    meta.versions[spec.version] = {
      ...manifest,
      dist: { tarball: `${base}${path}`, integrity: p.integrity, shasum: p.shasum },
    };
    files.set(metaPath, Buffer.from(JSON.stringify(meta)));
    out.push({ tarball: `${base}${path}`, integrity: p.integrity });
  }
  return out;
}

function close(server: Server): Promise<void> {
  return new Promise((r) => server.close(() => r()));
}

async function gpgHome(dir: string): Promise<string> {
  const home = join(dir, 'gnupg');
  await mkdir(home, { mode: 0o700 });
  await exec('gpg', [
    '--homedir',
    home,
    '--batch',
    '--passphrase',
    '',
    '--quick-gen-key',
    'pith test release <release@example.invalid>',
    'ed25519',
    'sign',
    'never',
  ]);
  return home;
}

async function publishNpm(
  files: Map<string, Buffer>,
  dir: string,
  base: string,
  versions: readonly string[],
  binary: (v: string, a: string) => Buffer,
): Promise<void> {
  const specs: PackageSpec[] = [];
  for (const arch of ['x64', 'arm64'])
    for (const version of versions)
      specs.push({
        name: `node-linux-${arch}`,
        version,
        manifest: { bin: { node: 'bin/node' }, os: 'linux', cpu: arch },
        files: {
          'bin/node': binary(version, arch),
          LICENSE: `Node.js is licensed for use as follows (${version})\n`,
          'include/node/node.h': '/* headers are not part of the image */\n',
        },
      });
  await publishPackages(files, dir, base, specs);
}

async function publishDist(
  files: Map<string, Buffer>,
  dir: string,
  gnupg: string,
  versions: readonly string[],
  binary: (v: string, a: string) => Buffer,
): Promise<void> {
  const index: { version: string; files: string[] }[] = [];
  for (const version of versions) {
    const sums: string[] = [];
    for (const arch of ['x64', 'arm64']) {
      const top = `node-v${version}-linux-${arch}`;
      const root = join(dir, 'dist', top);
      for (const d of ['bin', 'include/node', 'lib/node_modules/npm', 'share/doc/node'])
        await mkdir(join(root, d), { recursive: true });
      await writeFile(join(root, 'bin', 'node'), binary(version, arch), { mode: 0o755 });
      await writeFile(join(root, 'bin', 'npm'), '#!/usr/bin/env node\n', { mode: 0o755 });
      await writeFile(join(root, 'lib', 'node_modules', 'npm', 'package.json'), '{"name":"npm"}');
      await writeFile(join(root, 'include', 'node', 'node.h'), '/* */\n');
      await writeFile(join(root, 'LICENSE'), `Node.js is licensed for use as follows (${version})\n`);
      await writeFile(join(root, 'README.md'), '# Node.js\n');
      const file = `${top}.tar.gz`;
      await exec('tar', ['-czf', join(dir, 'dist', file), '-C', join(dir, 'dist'), top]);
      const bytes = await readFile(join(dir, 'dist', file));
      files.set(`/dist/v${version}/${file}`, bytes);
      sums.push(`${createHash('sha256').update(bytes).digest('hex')}  ${file}`);
    }
    const text = join(dir, 'dist', `SHASUMS256-${version}.txt`);
    await writeFile(text, `${sums.join('\n')}\n`);
    await exec('gpg', [
      '--homedir',
      gnupg,
      '--batch',
      '--yes',
      '--digest-algo',
      'SHA256',
      '--clearsign',
      text,
    ]);
    files.set(`/dist/v${version}/SHASUMS256.txt.asc`, await readFile(`${text}.asc`));
    index.push({ version: `v${version}`, files: ['linux-x64', 'linux-arm64'] });
  }
  files.set('/dist/index.json', Buffer.from(JSON.stringify(index.reverse())));
}
