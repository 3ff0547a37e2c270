// A signed fake Debian repository served over HTTP on 127.0.0.1, for hermetic tests of the repository
// client, resolver and fetcher (the ggcr "fakes are product code" rule). Packages are generated .debs;
// the InRelease is cleartext-signed with a key generated per repository; Packages is served as .xz (via the
// xz tool, which Debian always has) and .gz, by path and by hash. Faults can be injected per request path.
// The layout is Debian's own: the archive under /debian (`Suite: stable`, `Codename: trixie`) and the
// security archive under /debian-security, whose Release lists its components as `updates/main` while the
// indexes live under `main/binary-*/` and the pool under `pool/updates/main/`, exactly as Debian publishes it.
// Each component also has its Contents-ARCH.gz and Contents-all.gz (gzip -9n, by path and by hash; the
// Release lists the uncompressed names too, which are not served), in dak's format.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path/posix';
import { gzipSync } from 'node:zlib';
import * as openpgp from 'openpgp';
import { buildDeb } from '../deb-archive/index.ts';
import { bytesEntry, type TarEntry } from '../tar/index.ts';

export interface FakePackage {
  name: string;
  version: string;
  arch?: string;
  source?: string;
  depends?: string;
  preDepends?: string;
  provides?: string;
  multiArch?: string;
  /** Files of the package (paths without leading '/'), with text content. */
  files?: Record<string, string>;
  /** Extra control fields. */
  fields?: Record<string, string>;
}

export interface FakeSuite {
  name: string;
  codename?: string;
  components?: string[];
  archs?: string[];
  packages: FakePackage[];
  /** Valid-Until relative to now in seconds (negative: expired). Default: 7 days. */
  validForSeconds?: number;
  /** Serve Release + Release.gpg only (no InRelease), as old mirrors do. */
  detachedOnly?: boolean;
}

/** Rewrites a response body for a request path (fault injection): undefined keeps it, null answers 404. */
export type Tamper = (path: string, body: Buffer) => Buffer | undefined | null;

export interface FakeRepo {
  /** Base URL of the archive (`mirror.archive`): every suite not named `*-security`. */
  url: string;
  /** Base URL of the security archive (`mirror.security`): the `*-security` suites. */
  securityUrl: string;
  /** The public key, armored, to trust. */
  publicKey: string;
  /** Every request path served, in order. */
  requests: string[];
  tamper?: Tamper;
  close(): Promise<void>;
}

/** Builds the repository in memory and serves it; call close() when done. */
export async function startFakeRepo(suites: FakeSuite[]): Promise<FakeRepo> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'pith fake archive', email: 'fake@example.invalid' }],
    format: 'armored',
  });
  const signingKey = await openpgp.readPrivateKey({ armoredKey: privateKey });
  const files = new Map<string, Buffer>();
  for (const suite of suites) await addSuite(files, suite, signingKey);
  const repo: FakeRepo = { url: '', securityUrl: '', publicKey, requests: [], close: async () => {} };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    repo.requests.push(path);
    const body = files.get(path);
    const tampered = body && repo.tamper ? repo.tamper(path, body) : undefined;
    const out = tampered === null ? undefined : (tampered ?? body);
    if (!out) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': out.length }).end(out);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  repo.url = `${root}/${ARCHIVE_ROOT}`;
  repo.securityUrl = `${root}/${SECURITY_ROOT}`;
  repo.close = () => closeServer(server);
  return repo;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });
}

const ARCHIVE_ROOT = 'debian';
const SECURITY_ROOT = 'debian-security';

/** Where a suite lives and how its Release names things, as Debian publishes it. */
interface SuiteLayout {
  /** Path of the mirror root the suite is served under. */
  root: string;
  security: boolean;
  /** `Suite:` (the alias, e.g. stable-security). */
  alias: string;
  label: string;
}

function layoutOf(suite: FakeSuite): SuiteLayout {
  const security = suite.name.endsWith('-security');
  const [codename = suite.name, tail] = suite.name.split(/-(?=updates$|security$)/);
  const release = RELEASE_ALIASES[codename] ?? codename;
  return {
    root: security ? SECURITY_ROOT : ARCHIVE_ROOT,
    security,
    alias: tail ? `${release}-${tail}` : release,
    label: security ? 'Debian-Security' : 'Debian',
  };
}

/** Codename → the archive's alias for it, as the real Release files say it. */
const RELEASE_ALIASES: Record<string, string> = { trixie: 'stable', bookworm: 'oldstable' };

async function addSuite(
  files: Map<string, Buffer>,
  suite: FakeSuite,
  key: openpgp.PrivateKey,
): Promise<void> {
  const layout = layoutOf(suite);
  const components = suite.components ?? ['main'];
  const archs = suite.archs ?? ['amd64'];
  const dists = `${layout.root}/dists/${suite.name}`;
  const listed: { path: string; bytes: Buffer }[] = [];
  const publish = (path: string, bytes: Buffer, byHash: boolean) => {
    listed.push({ path, bytes });
    files.set(`${dists}/${path}`, bytes);
    if (byHash) files.set(`${dists}/${dirname(path)}/by-hash/SHA256/${sha256(bytes)}`, bytes);
  };
  for (const component of components) {
    // the security archive names its components updates/main… and pools them there too
    const listedComponent = layout.security ? `updates/${component}` : component;
    for (const arch of archs) {
      const stanzas: string[] = [];
      for (const p of suite.packages.filter((x) => (x.arch ?? arch) === arch || x.arch === 'all')) {
        const deb = await buildDeb({ control: controlText(p, arch), files: entries(p) });
        const pool = `pool/${listedComponent}/${p.name[0]}/${(p.source ?? p.name).split(' ')[0]}/${p.name}_${p.version.replace(/^\d+:/, '')}_${p.arch ?? arch}.deb`;
        files.set(`${layout.root}/${pool}`, deb);
        stanzas.push(
          `${controlText(p, arch)}Filename: ${pool}\nSize: ${deb.length}\nSHA256: ${sha256(deb)}\n`,
        );
      }
      const text = Buffer.from(stanzas.join('\n'));
      const dir = `${component}/binary-${arch}`;
      publish(`${dir}/Packages`, text, true);
      publish(`${dir}/Packages.gz`, gzipSync(text), true);
      publish(`${dir}/Packages.xz`, xz(text), true);
      publish(`${dir}/Release`, Buffer.from(componentRelease(layout, listedComponent, arch)), false);
    }
    for (const arch of [...archs, 'all']) {
      const own = suite.packages.filter((p) =>
        arch === 'all' ? p.arch === 'all' : (p.arch ?? arch) === arch,
      );
      const text = Buffer.from(contentsText(own, component));
      listed.push({ path: `${component}/Contents-${arch}`, bytes: text }); // listed, never served, as Debian does
      publish(`${component}/Contents-${arch}.gz`, gzipSync(text, { level: 9 }), true); // gzip -9n
    }
  }
  listed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const release = releaseText(suite, layout, components, archs, listed);
  const signed = await openpgp.sign({
    message: await openpgp.createCleartextMessage({ text: release }),
    signingKeys: key,
  });
  if (!suite.detachedOnly) files.set(`${dists}/InRelease`, Buffer.from(signed));
  files.set(`${dists}/Release`, Buffer.from(release));
  const detached = await openpgp.sign({
    message: await openpgp.createMessage({ binary: Buffer.from(release) }),
    signingKeys: key,
    detached: true,
  });
  files.set(`${dists}/Release.gpg`, Buffer.from(detached));
}

/** The per-index `Release` file beside each Packages (Debian publishes one per component and arch). */
function componentRelease(layout: SuiteLayout, component: string, arch: string): string {
  return `Archive: ${layout.alias}\nOrigin: Debian\nLabel: ${layout.label}\nAcquire-By-Hash: yes\nComponent: ${component}\nArchitecture: ${arch}\n`;
}

function releaseText(
  suite: FakeSuite,
  layout: SuiteLayout,
  components: string[],
  archs: string[],
  listed: { path: string; bytes: Buffer }[],
): string {
  const now = Date.now();
  const valid = new Date(now + (suite.validForSeconds ?? 7 * 86400) * 1000);
  const lines = [
    'Origin: Debian',
    `Label: ${layout.label}`,
    `Suite: ${layout.alias}`,
    `Codename: ${suite.codename ?? suite.name}`,
    `Date: ${new Date(now - 60_000).toUTCString()}`,
    `Valid-Until: ${valid.toUTCString()}`,
    'Acquire-By-Hash: yes',
    `Architectures: ${archs.join(' ')}`,
    `Components: ${components.map((c) => (layout.security ? `updates/${c}` : c)).join(' ')}`,
    'SHA256:',
    ...listed.map((f) => ` ${sha256(f.bytes)} ${String(f.bytes.length).padStart(8)} ${f.path}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * A Contents index as dak writes it: every file (not directory) of the packages, sorted by path, each line
 * `%-55s %s` with the comma-separated `[AREA/]SECTION/PACKAGE` of every package that ships it.
 */
function contentsText(packages: FakePackage[], component: string): string {
  const byPath = new Map<string, string[]>();
  for (const p of packages) {
    const location = `${component === 'main' ? '' : `${component}/`}${p.fields?.['Section'] ?? 'misc'}/${p.name}`;
    for (const e of entries(p)) byPath.set(e.path, [...(byPath.get(e.path) ?? []), location]);
  }
  return [...byPath]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, locations]) => `${path.padEnd(55)} ${locations.sort().join(',')}\n`)
    .join('');
}

function controlText(p: FakePackage, arch: string): string {
  const fields: [string, string | undefined][] = [
    ['Package', p.name],
    ['Source', p.source],
    ['Version', p.version],
    ['Architecture', p.arch ?? arch],
    ['Maintainer', 'pith tests <tests@example.invalid>'],
    ['Installed-Size', '1'],
    ['Pre-Depends', p.preDepends],
    ['Depends', p.depends],
    ['Provides', p.provides],
    ['Multi-Arch', p.multiArch],
    ...Object.entries(p.fields ?? {}),
    ['Description', `fake package ${p.name}`],
  ];
  return fields
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}\n`)
    .join('');
}

function entries(p: FakePackage): TarEntry[] {
  return Object.entries(p.files ?? { [`usr/share/doc/${p.name}/copyright`]: `${p.name}: fake\n` }).map(
    ([path, text]) => bytesEntry(path, Buffer.from(text)),
  );
}

function xz(bytes: Buffer): Buffer {
  return execFileSync('xz', ['-c', '-6', '-T1'], { input: bytes, maxBuffer: 1 << 30 });
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
