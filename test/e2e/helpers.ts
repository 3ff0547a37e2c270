// Helpers for the end-to-end preset tests: build through the CLI with the shared download cache and
// parse the --json report, read an OCI image layout the way a consumer would (index.json → manifest →
// blobs), list and extract layer tars with the host's tar, and run images under podman + runc.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildReport } from '../../src/api/index.ts';
import { PODMAN_RUN, pith, type RunResult, run } from '../helpers.ts';

/** Content-addressed download cache shared by every test run (safe to share, saves re-downloading). */
export const CACHE_DIR = join(tmpdir(), 'pith-test-cache');

export const PRESETS = ['static', 'base-nossl', 'base', 'cc', 'python3'] as const;
export const VARIANTS = ['latest', 'nonroot', 'debug', 'debug-nonroot'] as const;
export type Preset = (typeof PRESETS)[number];
export type Variant = (typeof VARIANTS)[number];

/** distroless's PATH and CA bundle (briefs/distroless.md §1.3). */
export const DISTROLESS_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const CA_FILE = '/etc/ssl/certs/ca-certificates.crt';

export interface BuildArgs {
  config?: string;
  preset?: string;
  variant?: string;
  suite?: string;
  archs?: string[];
  output: string;
}

/** Runs `pith build … --json` with the shared cache, asserts exit 0 and returns the parsed report. */
export async function buildJson(a: BuildArgs): Promise<BuildReport> {
  const args = ['build'];
  if (a.config) args.push(a.config);
  args.push('--output', a.output, '--cache-dir', CACHE_DIR, '--json');
  if (a.preset) args.push('--preset', a.preset);
  if (a.variant) args.push('--variant', a.variant);
  if (a.suite) args.push('--suite', a.suite);
  if (a.archs) args.push('--arch', a.archs.join(','));
  const r = await pith(args);
  assert.equal(r.code, 0, `pith ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as BuildReport;
}

// ---- OCI image layout -------------------------------------------------------------------------------

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string; variant?: string };
}
export interface Manifest {
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}
export interface IndexDoc {
  mediaType?: string;
  manifests: Descriptor[];
}
export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  config?: {
    User?: string;
    WorkingDir?: string;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    Env?: string[];
  };
  rootfs: { type: string; diff_ids: string[] };
  history?: { created_by?: string; empty_layer?: boolean }[];
}

export const INDEX_TYPE = 'application/vnd.oci.image.index.v1+json';

/** The path of a blob in a layout. */
export function blobPath(layout: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  return join(layout, 'blobs', alg!, hex!);
}

export async function readBlobJson<T>(layout: string, digest: string): Promise<T> {
  return JSON.parse(await readFile(blobPath(layout, digest), 'utf8')) as T;
}

/** The descriptor index.json holds for a tag (org.opencontainers.image.ref.name). */
export async function taggedDescriptor(layout: string, tag: string): Promise<Descriptor> {
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as IndexDoc;
  const hit = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  assert.ok(hit, `${layout}/index.json has no tag ${tag}`);
  return hit;
}

export interface LayoutImage {
  descriptor: Descriptor;
  manifest: Manifest;
  config: ImageConfig;
}

/** Every image a tag names: one for a manifest, one per platform for an index. */
export async function layoutImages(layout: string, tag: string): Promise<LayoutImage[]> {
  const top = await taggedDescriptor(layout, tag);
  const descriptors =
    top.mediaType === INDEX_TYPE ? (await readBlobJson<IndexDoc>(layout, top.digest)).manifests : [top];
  const out: LayoutImage[] = [];
  for (const descriptor of descriptors) {
    const manifest = await readBlobJson<Manifest>(layout, descriptor.digest);
    const config = await readBlobJson<ImageConfig>(layout, manifest.config.digest);
    out.push({ descriptor, manifest, config });
  }
  return out;
}

// ---- layer tars -------------------------------------------------------------------------------------

const listings = new Map<string, Promise<string[]>>();

/** The entry names of a gzip layer tar (`./` and trailing `/` removed), memoised by digest. */
export function listLayer(layout: string, digest: string): Promise<string[]> {
  let p = listings.get(digest);
  if (!p) {
    p = run('tar', ['-tzf', blobPath(layout, digest)]).then((r) => {
      assert.equal(r.code, 0, `tar -tzf ${digest}: ${r.stderr}`);
      return r.stdout
        .split('\n')
        .filter(Boolean)
        .map((n) => n.replace(/^\.\//, '').replace(/\/$/, ''));
    });
    listings.set(digest, p);
  }
  return p;
}

/** Extracts the layers of a manifest into `root`, in manifest order (no whiteouts in pith images). */
export async function extractLayers(layout: string, manifest: Manifest, root: string): Promise<void> {
  for (const l of manifest.layers) {
    const r = await run('tar', ['-xzf', blobPath(layout, l.digest), '-C', root, '--no-same-owner']);
    assert.equal(r.code, 0, `tar -xzf ${l.digest}: ${r.stderr}`);
  }
}

/** Extracts single members of one layer into `dest`. */
export async function extractMembers(
  layout: string,
  digest: string,
  dest: string,
  members: string[],
): Promise<void> {
  const r = await run('tar', ['-xzf', blobPath(layout, digest), '-C', dest, '--no-same-owner', ...members]);
  assert.equal(r.code, 0, `tar -xzf ${digest} ${members.join(' ')}: ${r.stderr}`);
}

/** ELF e_machine values (ELF spec / elf.h). */
export const EM_X86_64 = 0x3e;
export const EM_AARCH64 = 0xb7;

/** The e_machine of a little-endian ELF file, after checking the magic. */
export async function elfMachine(file: string): Promise<number> {
  const head = (await readFile(file)).subarray(0, 20);
  assert.deepEqual([...head.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46], `${file} is not an ELF file`);
  assert.equal(head[5], 1, `${file} is not little-endian`);
  return head.readUInt16LE(18);
}

// ---- podman -----------------------------------------------------------------------------------------

/** Loads docker-archives into podman and runs them as this machine supports; remembers what to remove. */
export class Podman {
  readonly loaded: string[] = [];

  async load(file: string): Promise<string> {
    const r = await run('podman', ['load', '-i', file], { timeoutMs: 180_000 });
    assert.equal(r.code, 0, `podman load ${file}: ${r.stderr}`);
    const m = /Loaded image(?:\(s\))?: (.+)/.exec(r.stdout);
    assert.ok(m, `podman load printed: ${r.stdout}`);
    const name = m[1]!.trim();
    this.loaded.push(name);
    return name;
  }

  /** `podman run` with the machine's flags; does not assert the exit code. */
  run(image: string, extra: string[] = [], args: string[] = []): Promise<RunResult> {
    return run('podman', [...PODMAN_RUN, ...extra, image, ...args], { timeoutMs: 180_000 });
  }

  /** `podman run` that must succeed; returns stdout. */
  async ok(image: string, extra: string[] = [], args: string[] = []): Promise<string> {
    const r = await this.run(image, extra, args);
    assert.equal(r.code, 0, `podman run ${image} ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  async cleanup(): Promise<void> {
    if (this.loaded.length) await run('podman', ['rmi', '-f', ...this.loaded], { timeoutMs: 180_000 });
    this.loaded.length = 0;
  }
}
