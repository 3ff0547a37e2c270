// `build`: config file, config object and/or preset → image or index → any transport. Nothing is written
// until the whole artifact has been built in memory, and sinks write atomically, so a failed or cancelled
// build leaves no output.
import { buildFromConfig } from '../assemble/index.ts';
import type { Compression } from '../compress/index.ts';
import {
  parseTransportRef,
  type Referrer,
  sortReferrers,
  type TransportRef,
  writeArtifact,
  writeReferrers,
} from '../io/index.ts';
import { readLock } from '../lockfile/index.ts';
import {
  type Artifact,
  ArtifactType,
  buildReferrer,
  type Descriptor,
  type Image,
  imagesOf,
  topDocument,
} from '../oci/index.ts';
import { checkEpoch, type Digest, PithError } from '../util/index.ts';
import {
  type AttachedDocuments,
  externalParameters,
  prepareSigning,
  provenanceTimes,
  writeSigning,
} from './build-attestations.ts';
import { type ConfigRequest, lockPath, requestConfig } from './config-request.ts';
import type { Context } from './context.ts';
import { sharedStores } from './shared-stores.ts';
import {
  type AttestationWritten,
  type SignedDigest,
  type SigningOptions,
  signingIdentity,
} from './signing.ts';
import { type ArtifactSummary, describeArtifact } from './summary.ts';

export interface BuildRequest extends ConfigRequest {
  /** Transport reference of the output, e.g. `oci:out/hello`, `docker://HOST/REPO:TAG`. */
  output: string;
  /** SOURCE_DATE_EPOCH for this build (default: the context's environment, else 0). */
  epoch?: number;
  compression?: Compression;
  level?: number;
  /**
   * Reuse compressed layers from the cache directory when the same tar was compressed before, and keep
   * the new ones there (default true). False compresses every layer again, in memory.
   */
  layerCache?: boolean;
  /**
   * A registry repository (`docker://HOST/REPO`) shared as a cache by many runners: layers and .deb files
   * come from it before anything is compressed or downloaded, and what this build makes goes there.
   * Default: the config's `cacheRepo`.
   */
  cacheRepo?: string;
  /** Build exactly what pith.lock.json (beside the config) lists, and refuse if it does not match. */
  locked?: boolean;
  /**
   * Attach a CycloneDX 1.6 SBOM to every platform manifest as an OCI 1.1 referrer: listed in a layout's
   * index.json, pushed by digest to a registry. Default: yes for layouts and registries; archives have no
   * place for referrers (asking for one there is a warning).
   */
  sbom?: boolean;
  /** An OpenVEX document to attach to the image (the index for several platforms) the same way. */
  vex?: string;
  /**
   * Sign what was written (the index and every platform manifest), and attest it: the SBOM, the OpenVEX
   * document and SLSA provenance v1 as signed in-toto statements (unless `attest` is false). Registries and
   * oci: layouts only.
   */
  sign?: SigningOptions & { attest?: boolean };
}

export interface DebianSummary {
  arch: string;
  packages: { name: string; version: string; architecture: string; origin: string }[];
  /** Bytes of documentation left out. */
  droppedDocBytes: number;
  caCertificates?: number;
  /** Certificates in the Java keystore /etc/ssl/certs/java/cacerts (javaCacerts). */
  javaCacerts?: number;
  /** The JVM /usr/bin/java runs: its home and Java version. */
  java?: { home: string; version?: string };
}

export interface BuildReport extends ArtifactSummary {
  output: string;
  epoch: number;
  /** The `from:` base image and the digest it was pinned to. */
  base?: { name: string; digest: string };
  debian?: DebianSummary[];
  /** What the user should know but that did not stop the build (e.g. a package pinned behind security). */
  warnings?: string[];
  /** The SBOM and VEX referrers attached (their manifest descriptors, with artifactType and subject), as inspect lists them. */
  referrers?: Referrer[];
  /** The signatures written (with `sign`). */
  signatures?: SignedDigest[];
  /** The signed attestations written (with `sign`). */
  attestations?: AttestationWritten[];
}

/** Builds the image a config (or preset) describes and writes it to `output`. */
export async function build(ctx: Context, req: BuildRequest): Promise<BuildReport> {
  const output = parseTransportRef(req.output);
  const epoch = req.epoch === undefined ? ctx.epoch() : checkEpoch(req.epoch, 'epoch');
  const startedOn = new Date();
  // who signs is settled before anything is built: a wrong passphrase fails now, not after the push
  const who = req.sign ? await signingIdentity(ctx, req.sign) : undefined;
  if (who && output.transport !== 'docker' && output.transport !== 'oci')
    throw new PithError(
      'input',
      'NO_PLACE_FOR_SIGNATURES',
      `${req.output}: an archive has no place for signatures; sign into a registry or an oci: layout`,
    );
  const loaded = await requestConfig(ctx, req);
  const lockFile = lockPath(req);
  const warnings: string[] = [];
  const result = await buildFromConfig(loaded, {
    onEvent: (e) => {
      if (e.type === 'warning') warnings.push(e.message);
      ctx.emit(e);
    },
    ...(req.locked ? { lock: await readLock(lockFile), lockFile } : {}),
    loadBase: ctx.loadBase,
    epoch,
    ...(req.compression ? { compression: req.compression } : {}),
    ...(req.level !== undefined ? { level: req.level } : {}),
    cacheDir: ctx.settings.cacheDir,
    offline: ctx.settings.offline,
    ...(req.layerCache === false ? { layerCache: false } : {}),
    ...withShared(sharedStores(ctx, loaded, req.cacheRepo)),
    network: ctx.network(),
    env: ctx.env,
  });
  // archives have no place for referrers: they get an SBOM only when one is asked for (and a warning)
  const sbom = req.sbom ?? (output.transport === 'oci' || output.transport === 'docker');
  const { referrers, documents } = await attachments(
    ctx,
    { ...req, sbom },
    sbomReference(output, req.output),
    result.artifact,
    epoch,
  );
  // signed (and for keyless, logged) before anything is written: a failing signing service leaves nothing
  const prepared = who
    ? await prepareSigning(ctx, output, result, who, {
        epoch,
        attest: req.sign?.attest !== false,
        documents,
        externalParameters: externalParameters(req),
        files: { ...(typeof req.config === 'string' ? { config: loaded.file } : {}), lock: lockFile },
        times: provenanceTimes(ctx, epoch, startedOn),
      })
    : undefined;
  ctx.emit({ type: 'phase', phase: 'write', item: `${req.output} (${topDocument(result.artifact).digest})` });
  const pushOpts = {
    ...ctx.remote('push'),
    onBlob: (d: Descriptor, how: 'uploaded' | 'present' | 'mounted') =>
      ctx.emit({ type: 'blob', digest: d.digest, size: d.size, how }),
  };
  await writeArtifact(output, result.artifact, pushOpts);
  const attached = await writeReferrers(output, referrers, pushOpts);
  if ('skipped' in attached && (req.sbom === true || req.vex)) {
    const message = `SBOM and VEX not attached: ${attached.skipped} (pith sbom writes one to a file)`;
    warnings.push(message);
    ctx.emit({ type: 'warning', code: 'REFERRERS_SKIPPED', message });
  }
  const signed = who && prepared ? await writeSigning(ctx, output, prepared, who) : undefined;
  const debian = result.images.flatMap((i) => (i.debian ? [debianSummary(i.arch, i.debian)] : []));
  return {
    output: req.output,
    epoch,
    ...describeArtifact(result.artifact),
    ...(result.base ? { base: result.base } : {}),
    ...(debian.length ? { debian } : {}),
    ...(warnings.length ? { warnings } : {}),
    ...('written' in attached && attached.written.length ? { referrers: listed(referrers) } : {}),
    ...(signed ? signed : {}),
  };
}

/** The referrers as inspect lists them: descriptor, artifactType and subject, by type then digest. */
function listed(referrers: readonly Image[]): Referrer[] {
  return sortReferrers(
    referrers.map((r) => {
      const { artifactType, annotations, subject } = r.manifest.value;
      return {
        ...r.manifest.descriptor({
          ...(artifactType ? { artifactType } : {}),
          ...(annotations ? { annotations } : {}),
        }),
        subject: subject?.digest as Digest,
      };
    }),
  );
}

/**
 * The reference an attached SBOM names the image by: a registry reference as given; for a layout or an
 * archive none at all (the SBOM calls it `image`), so it carries no host path and the same build gives the
 * same bytes wherever it is written.
 */
function sbomReference(output: TransportRef, given: string): string {
  return output.transport === 'docker' ? given : 'image';
}

/** The referrers a build attaches: a CycloneDX SBOM per platform manifest, and the VEX document given. */
async function attachments(
  ctx: Context,
  req: BuildRequest,
  reference: string,
  artifact: Artifact,
  epoch: number,
): Promise<{ referrers: Image[]; documents: AttachedDocuments }> {
  const out: Image[] = [];
  const documents: AttachedDocuments = { sboms: new Map(), spdx: new Map() };
  // loaded here, not with the module: a build that fails earlier, or attaches nothing, never needs them
  const { inventoryImage } = await import('../inventory/index.ts');
  const { sbomJson, toCycloneDx, toSpdx } = await import('../sbom/index.ts');
  if (req.sbom !== false)
    for (const image of imagesOf(artifact)) {
      const inv = await inventoryImage(image, { where: req.output, signal: ctx.signal });
      const doc = toCycloneDx({ reference, digest: image.manifest.digest, images: [inv] }, { epoch });
      documents.sboms.set(image.manifest.digest, doc);
      if (req.sign)
        documents.spdx.set(
          image.manifest.digest,
          toSpdx({ reference, digest: image.manifest.digest, images: [inv] }, { epoch }),
        );
      out.push(
        buildReferrer({
          subject: image.manifest.descriptor(),
          artifactType: ArtifactType.cyclonedx,
          content: Buffer.from(sbomJson(doc)),
          epoch,
        }),
      );
    }
  if (req.vex) {
    const { readOpenVexFile } = await import('../vuln/index.ts');
    const { bytes } = await readOpenVexFile(req.vex, 16 << 20); // refuses what is not OpenVEX
    documents.vex = JSON.parse(bytes.toString('utf8')) as unknown;
    out.push(
      buildReferrer({
        subject: topDocument(artifact).descriptor(),
        artifactType: ArtifactType.openvex,
        content: bytes,
        epoch,
      }),
    );
  }
  return { referrers: out, documents };
}

function debianSummary(
  arch: string,
  d: {
    packages: { name: string; version: string; architecture: string; origin: string }[];
    droppedBytes: number;
    caCertificates?: number;
    javaCacerts?: number;
    java?: { home: string; version?: string };
  },
): DebianSummary {
  return {
    arch,
    packages: d.packages.map((p) => ({
      name: p.name,
      version: p.version,
      architecture: p.architecture,
      origin: p.origin,
    })),
    droppedDocBytes: d.droppedBytes,
    ...(d.caCertificates ? { caCertificates: d.caCertificates } : {}),
    ...(d.javaCacerts ? { javaCacerts: d.javaCacerts } : {}),
    ...(d.java
      ? { java: { home: d.java.home, ...(d.java.version ? { version: d.java.version } : {}) } }
      : {}),
  };
}

function withShared(shared: ReturnType<typeof sharedStores>) {
  return shared ? { shared } : {};
}
