// Issue 12 against real peers: a real registry (Debian's docker-registry, distribution 2.8, which has no
// referrers API), Debian 13's podman and skopeo (trixie-containers.ts: Debian 12's have sigstore
// disabled), and the real Debian mirror.
//   1. podman, with a policy.json requiring sigstoreSigned by pith's key, pulls and runs the image pith
//      signed and pushed; an unsigned image and a re-tagged one are refused.
//   2. skopeo's verifier accepts pith's signature; pith verify accepts skopeo's (made with a key pith
//      keygen wrote); a flipped byte in the signature or in the payload fails both.
//   4. the provenance of a locked `base` lists every .deb with its sha256 (checked against the .deb files
//      themselves with sha256sum and dpkg-deb); verify --provenance --lock passes, and a swapped layer
//      fails naming its package.
//   5. the signed SBOM attestation is found through the fallback tag of a registry without the API (the
//      referrers API path is test/api/build-signed.test.ts, against the memory registry).
// Point 3 (keyless against sigstore's mock Fulcio and Rekor) is test/interop/sign-verify.test.ts.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseTransportRef, readArtifact, readCosignTag, writeCosignTag } from '../../src/io/index.ts';
import { CosignAnnotation, type Image } from '../../src/oci/index.ts';
import { parsePurl } from '../../src/sbom/index.ts';
import type { Digest } from '../../src/util/index.ts';
import { run, pith as runPith } from '../helpers.ts';
import { type RegistryServer, startRegistry } from '../interop/registry-server.ts';
import { provenanceOf, swapLayerKeepingProvenance } from '../provenance-helpers.ts';
import { inTrixie, podman, trixieContainers } from '../trixie-containers.ts';
import { CACHE_DIR } from './helpers.ts';

const PASSWORD = 'e2e signing';
const ENV = { PITH_PASSWORD: PASSWORD, PITH_INSECURE_REGISTRIES: '' };
const PODMAN_LIMITS = ['--network', 'none', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];

describe('signatures with a real registry, podman and skopeo', { timeout: 1_200_000 }, () => {
  let registry: RegistryServer;
  let root: string;
  /** A work directory inside the trixie root: `work` on the host is `inside` in the chroot. */
  let work: string;
  let inside: string;
  let reg: string;
  const remote = () => ({ insecure: [reg] });

  before(async () => {
    registry = await startRegistry();
    reg = registry.host;
    root = await trixieContainers();
    work = await mkdtemp(join(root, 'tmp', 'pith-sign-'));
    inside = `/tmp/${basename(work)}`;
    const keys = await runPith(['keygen', join(work, 'signer')], { env: ENV });
    assert.equal(keys.code, 0, keys.stderr);
    await writeFile(join(work, 'pass'), PASSWORD);
    await writeFile(
      join(work, 'policy.json'),
      JSON.stringify({
        default: [{ type: 'reject' }],
        transports: {
          docker: {
            [reg]: [
              {
                type: 'sigstoreSigned',
                keyPath: `${inside}/signer.pub`,
                signedIdentity: { type: 'matchRepoDigestOrExact' },
              },
            ],
          },
          oci: { '': [{ type: 'insecureAcceptAnything' }] },
        },
      }),
    );
    const signed = await build(`docker://${reg}/app:v1`, ['--sign-key', join(work, 'signer.key')]);
    assert.equal(signed.code, 0, signed.stderr);
    // another epoch, so another digest: nothing has signed it
    const unsigned = await build(`docker://${reg}/app:unsigned`, [], { SOURCE_DATE_EPOCH: '86400' });
    assert.equal(unsigned.code, 0, unsigned.stderr);
  });
  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  function build(output: string, extra: string[], env: Record<string, string> = {}) {
    return runPith(
      [
        'build',
        '--preset',
        'static',
        '--variant',
        'debug',
        '--output',
        output,
        '--cache-dir',
        CACHE_DIR,
        '--insecure-registry',
        reg,
        ...extra,
      ],
      { env: { ...ENV, ...env } },
    );
  }

  const verify = (ref: string, ...extra: string[]) =>
    runPith(
      [
        'verify',
        ref,
        '--key',
        join(work, 'signer.pub'),
        '--insecure-registry',
        reg,
        '--cache-dir',
        CACHE_DIR,
        ...extra,
      ],
      {
        env: ENV,
      },
    );

  const skopeoVerify = (ref: string) =>
    inTrixie(root, [
      'skopeo',
      'copy',
      '--policy',
      `${inside}/policy.json`,
      '--remove-signatures',
      '--src-tls-verify=false',
      `docker://${ref}`,
      `oci:${inside}/copy-${Math.random().toString(36).slice(2)}:x`,
    ]);

  it('podman pulls and runs the image pith signed; an unsigned image and a re-tagged one are refused', async () => {
    const store = `${inside}/podman`;
    const pull = (ref: string) =>
      podman(root, store, ['pull', '--signature-policy', `${inside}/policy.json`, '--tls-verify=false', ref]);
    const ok = await pull(`${reg}/app:v1`);
    assert.equal(ok.code, 0, ok.stderr);
    const ran = await podman(root, store, [
      'run',
      '--rm',
      ...PODMAN_LIMITS,
      '--entrypoint',
      '/busybox/echo',
      `${reg}/app:v1`,
      'signed and running',
    ]);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout.trim(), 'signed and running');

    const unsigned = await pull(`${reg}/app:unsigned`);
    assert.notEqual(unsigned.code, 0, 'an unsigned image is refused');
    assert.match(unsigned.stderr, /signature/i);

    // the signed digest under another tag: the signature names app:v1, so the policy's identity check fails
    const tagged = await runPith(['tag', `docker://${reg}/app:v1`, 'moved', '--insecure-registry', reg]);
    assert.equal(tagged.code, 0, tagged.stderr);
    const moved = await pull(`${reg}/app:moved`);
    assert.notEqual(moved.code, 0, 'a re-tagged image is refused');
    assert.match(moved.stderr, /identity|signature/i);
  });

  it("skopeo accepts pith's signature and pith accepts skopeo's; a flipped byte fails both", async () => {
    const mine = await skopeoVerify(`${reg}/app:v1`);
    assert.equal(mine.code, 0, mine.stderr);
    assert.equal((await verify(`docker://${reg}/app:v1`)).code, 0);

    const signed = await inTrixie(root, [
      'skopeo',
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--sign-by-sigstore-private-key',
      `${inside}/signer.key`,
      '--sign-passphrase-file',
      `${inside}/pass`,
      `docker://${reg}/app:unsigned`,
      `docker://${reg}/by-skopeo:v1`,
    ]);
    assert.equal(signed.code, 0, signed.stderr);
    const theirs = await verify(`docker://${reg}/by-skopeo:v1`, '--json');
    assert.equal(theirs.code, 0, theirs.stderr);
    const report = JSON.parse(theirs.stdout) as {
      signatures: { format: string; dockerReference?: string }[];
    };
    assert.deepEqual(
      report.signatures.map((s) => [s.format, s.dockerReference]),
      [['simple-signing', `${reg}/by-skopeo:v1`]],
    );

    // tamper with the .sig tag skopeo wrote: first a signature byte, then a payload byte
    const ref = parseTransportRef(`docker://${reg}/by-skopeo:v1`);
    assert.equal(ref.transport, 'docker');
    if (ref.transport !== 'docker') return;
    const digest = ((await readArtifact(ref, remote())) as Image).manifest.digest as Digest;
    const original = await readCosignTag(ref.ref, digest, 'sig', remote());
    assert.equal(original.length, 1);
    const sig = Buffer.from(original[0]!.annotations[CosignAnnotation.signature]!, 'base64');
    sig[sig.length - 1]! ^= 0x01;
    const flippedSig = [
      { ...original[0]!, annotations: { [CosignAnnotation.signature]: sig.toString('base64') } },
    ];
    const payload = Buffer.from(original[0]!.payload);
    const at = payload.indexOf('sha256:') + 'sha256:'.length;
    payload[at] = payload[at] === 0x30 ? 0x31 : 0x30;
    const flippedPayload = [{ ...original[0]!, payload }];
    for (const [what, layers] of [
      ['signature', flippedSig],
      ['payload', flippedPayload],
    ] as const) {
      await writeCosignTag(ref.ref, digest, 'sig', layers, remote());
      const s = await skopeoVerify(`${reg}/by-skopeo:v1`);
      assert.notEqual(s.code, 0, `skopeo refuses a flipped ${what} byte`);
      const p = await verify(`docker://${reg}/by-skopeo:v1`);
      assert.equal(p.code, 6, `pith refuses a flipped ${what} byte: ${p.stderr}`);
      assert.match(p.stderr, /no signature that verifies/);
    }
    await writeCosignTag(ref.ref, digest, 'sig', original, remote());
    assert.equal((await verify(`docker://${reg}/by-skopeo:v1`)).code, 0, 'restored');
  });

  it('the signed SBOM attestation is found through the fallback tag of a registry without the referrers API', async () => {
    const r = await verify(`docker://${reg}/app:v1`, '--attestation', 'cyclonedx', '--json');
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { attestations: { predicateType: string; via: string }[] };
    const sbom = report.attestations.find((a) => a.predicateType === 'https://cyclonedx.org/bom');
    assert.equal(sbom?.via, 'referrers-tag');
  });

  it('a locked base: the provenance lists every .deb; the chain holds, and a swapped layer is named', async () => {
    await writeFile(join(work, 'pith.yaml'), 'preset: base\n');
    const locked = await runPith(['lock', join(work, 'pith.yaml'), '--cache-dir', CACHE_DIR]);
    assert.equal(locked.code, 0, locked.stderr);
    const lockFile = join(work, 'pith.lock.json');
    const out = `docker://${reg}/base:v1`;
    const built = await runPith(
      [
        'build',
        join(work, 'pith.yaml'),
        '--locked',
        '--output',
        out,
        '--cache-dir',
        CACHE_DIR,
        '--insecure-registry',
        reg,
        '--sign-key',
        join(work, 'signer.key'),
        '--json',
      ],
      { env: ENV },
    );
    assert.equal(built.code, 0, built.stderr);
    const ok = await verify(
      out,
      '--provenance',
      '--lock',
      lockFile,
      '--attestation',
      'slsaprovenance',
      '--json',
    );
    assert.equal(ok.code, 0, `${ok.stderr}\n${ok.stdout}`);
    const report = JSON.parse(ok.stdout) as {
      provenance: { ok: boolean; debs: number; links: { link: string }[] }[];
    };
    assert.deepEqual(
      report.provenance[0]!.links.map((l) => l.link),
      ['attestation', 'layers', 'subject', 'lock', 'inrelease'],
    );

    // every .deb of the lock is in the provenance, with the sha256 and name of the file itself
    const lock = JSON.parse(await readFile(lockFile, 'utf8')) as {
      archs: { amd64: { name: string; sha256: string }[] };
    };
    const ref = parseTransportRef(out);
    const image = (await readArtifact(ref, remote())) as Image;
    const statement = await provenanceOf(ref, image.manifest.digest);
    const debs = statement.predicate.buildDefinition.resolvedDependencies.filter(
      (r) => r.annotations?.['dev.pith.kind'] === 'deb',
    );
    assert.equal(debs.length, lock.archs.amd64.length);
    assert.equal(report.provenance[0]!.debs, debs.length);
    for (const d of debs) {
      const file = join(CACHE_DIR, 'sha256', d.digest.sha256);
      const sum = await run('sha256sum', [file]);
      assert.equal(sum.stdout.split(' ')[0], d.digest.sha256, d.name);
      const fields = await run('dpkg-deb', ['-f', file, 'Package', 'Version', 'Architecture']);
      const [pkg, version, arch] = fields.stdout
        .trim()
        .split('\n')
        .map((l) => l.replace(/^\w+: /, ''));
      const purl = parsePurl(d.uri ?? '');
      const epoch = purl?.qualifiers?.['epoch'];
      assert.deepEqual(
        [purl?.name, `${epoch ? `${epoch}:` : ''}${purl?.version}`, purl?.qualifiers?.['arch']],
        [pkg, version, arch],
        d.name,
      );
      assert.ok(
        lock.archs.amd64.some((l) => l.name === pkg && l.sha256 === d.digest.sha256),
        pkg,
      );
    }

    // swap libc6's layer for netbase's, and attach the original (validly signed) provenance to it
    const at = await swapLayerKeepingProvenance(
      ref,
      parseTransportRef(`docker://${reg}/base:swapped`),
      'libc6',
      'netbase',
    );
    const bad = await verify(`docker://${reg}/base:swapped`, '--provenance', '--lock', lockFile);
    assert.equal(bad.code, 6, bad.stderr);
    assert.match(
      bad.stderr,
      new RegExp(`layer ${at} \\(libc6 [^ ]+ amd64\\) is sha256:[0-9a-f]{64}, but the provenance recorded`),
    );
  });
});
