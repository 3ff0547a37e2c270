// The audit of one image from its manifest, config and inventory: sizes, layers with their history lines,
// the attack surface and who it runs as, as findings with stable ids (rules.ts), sorted worst first.
import type { ImageInventory, InventoryFile } from '../inventory/index.ts';
import { Annotation, type ExecConfig, type Image } from '../oci/index.ts';
import { compareText } from '../util/index.ts';
import { deviceNodes, packageManagers, setuidFiles, shells, worldWritable } from './attack-surface.ts';
import { AUDIT_RULES, type AuditRuleId } from './rules.ts';
import { runAs } from './run-as.ts';
import { type SecretHit, scanConfig } from './secrets.ts';
import { packageSizes, sizeTree } from './size-tree.ts';
import { AUDIT_SEVERITIES, type AuditFinding, type AuditLayer, type ImageAudit } from './types.ts';

const CA_BUNDLE = 'etc/ssl/certs/ca-certificates.crt';
const ZONEINFO = 'usr/share/zoneinfo/';
/** A path listed once per finding; more of the same kind are counted in the last one. */
const MAX_PER_RULE = 50;

/** `secrets`: what a SecretScanner found in the layers while the inventory was taken. */
export function auditImage(
  image: Image,
  inv: ImageInventory,
  secrets: readonly SecretHit[] = [],
): ImageAudit {
  const exec: ExecConfig = image.config?.value.config ?? {};
  const files = inv.files;
  const layers = auditLayers(image, inv);
  const user = runAs(exec.User, inv.accounts, inv.groups);
  const form = entrypointForm(exec);
  const found = {
    shells: shells(files),
    managers: packageManagers(files),
  };
  const findings: AuditFinding[] = [];
  const add = (id: AuditRuleId, message: string, f?: InventoryFile) =>
    findings.push({
      id,
      severity: AUDIT_RULES[id].severity,
      message,
      ...(f ? { path: `/${f.path}`, layer: f.layer, layerDigest: layers[f.layer]?.digest ?? '' } : {}),
      fix: AUDIT_RULES[id].fix,
    });
  const each = (id: AuditRuleId, list: InventoryFile[], what: (f: InventoryFile) => string) => {
    for (const f of list.slice(0, MAX_PER_RULE)) add(id, what(f), f);
    if (list.length > MAX_PER_RULE) add(id, `${list.length - MAX_PER_RULE} more of these`);
  };
  each('PITH-A001', found.shells, (f) => `shell /${f.path}`);
  each('PITH-A002', found.managers, (f) => `package manager /${f.path}`);
  if (user.root) add('PITH-A003', `runs as root (User ${JSON.stringify(user.configured)})`);
  else if (user.uid === undefined || user.gid === undefined)
    add(
      'PITH-A004',
      `User ${JSON.stringify(user.configured)} is not in the image's /etc/passwd or /etc/group`,
    );
  if (form === 'shell') add('PITH-A005', 'the entrypoint or command runs through /bin/sh -c');
  each('PITH-A006', setuidFiles(files), (f) => `${modeText(f.mode)} /${f.path}`);
  each('PITH-A007', worldWritable(files), (f) => `${modeText(f.mode)} /${f.path}`);
  each('PITH-A008', deviceNodes(files), (f) => `${f.type} device /${f.path}`);
  const base = baseOf(image);
  if (base && !base.pinned)
    add('PITH-A013', `the base ${base.name ?? '(unnamed)'} is named without a digest`);
  const caBundle = files.some((f) => f.path === CA_BUNDLE);
  const tzdata = files.some((f) => f.path.startsWith(ZONEINFO));
  if (!caBundle) add('PITH-A009', `no /${CA_BUNDLE}`);
  if (!tzdata) add('PITH-A010', `no /${ZONEINFO}`);
  if (!inv.accounts?.some((a) => a.uid === 0))
    add('PITH-A011', inv.accounts ? 'no root in /etc/passwd' : 'no /etc/passwd');
  const history = image.config?.value.history ?? [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  const perRule = new Map<string, number>();
  for (const hit of [
    ...secrets,
    ...scanConfig(
      exec.Env ?? [],
      history.map((h) => h.created_by),
    ),
  ]) {
    const n = (perRule.get(hit.rule.id) ?? 0) + 1;
    perRule.set(hit.rule.id, n);
    if (n <= MAX_PER_RULE) findings.push(secretFinding(hit, byPath, layers));
    else if (n === MAX_PER_RULE + 1)
      findings.push({
        id: hit.rule.id,
        severity: 'high',
        message: `more ${hit.rule.name} secrets than the ${MAX_PER_RULE} listed`,
        fix: 'Rotate every secret of this kind in the image and rebuild without them.',
      });
  }
  for (const w of inv.waste.paths.slice(0, 10)) {
    const f = byPath.get(w.path);
    add(
      'PITH-A012',
      `${w.bytes} bytes of /${w.path} are hidden by a later layer (${w.copies} ${w.copies === 1 ? 'copy' : 'copies'})`,
      f,
    );
  }
  return {
    ...(inv.platform ? { platform: inv.platform } : {}),
    digest: inv.digest,
    compressedSize: layers.reduce((n, l) => n + l.compressedSize, 0),
    size: layers.reduce((n, l) => n + l.size, 0),
    layers,
    packages: inv.packages.length,
    shells: found.shells.map((f) => `/${f.path}`),
    packageManagers: found.managers.map((f) => `/${f.path}`),
    user,
    entrypointForm: form,
    caBundle,
    tzdata,
    ...(base ? { base } : {}),
    efficiency: inv.waste.efficiency,
    reclaimableBytes: inv.waste.reclaimableBytes,
    directories: sizeTree(files),
    packageSizes: packageSizes(inv),
    findings: sortFindings(findings),
  };
}

/** Findings worst first, then by id and path. */
export function sortFindings(findings: AuditFinding[]): AuditFinding[] {
  return findings.sort(
    (a, b) =>
      AUDIT_SEVERITIES.indexOf(a.severity) - AUDIT_SEVERITIES.indexOf(b.severity) ||
      compareText(a.id, b.id) ||
      compareText(a.path ?? '', b.path ?? ''),
  );
}

/** A secret as a finding: where it is, in which layer, and whether a later layer hides it (it still ships). */
function secretFinding(
  hit: SecretHit,
  files: Map<string, InventoryFile>,
  layers: AuditLayer[],
): AuditFinding {
  const path = hit.layer === undefined ? undefined : hit.where.slice(1);
  const now = path === undefined ? undefined : files.get(path);
  const hidden = hit.layer !== undefined && now?.layer !== hit.layer;
  const where = hit.layer === undefined ? ` in ${hit.where}` : ` at line ${hit.line}`;
  return {
    id: hit.rule.id,
    severity: 'high',
    message: `${hit.rule.name} ${hit.redacted}${where}${hidden ? ' (deleted or replaced by a later layer: still in this one)' : ''}`,
    ...(hit.layer !== undefined
      ? { path: hit.where, layer: hit.layer, layerDigest: layers[hit.layer]?.digest ?? '' }
      : {}),
    fix:
      hit.layer === undefined
        ? 'Pass secrets at run time (a mounted file, a secret store), never through ENV or build arguments; rotate it.'
        : 'Rotate the secret, then rebuild without it: a file deleted in a later layer still ships in the earlier one.',
  };
}

/** Each layer with its sizes and the history line that made it (history entries with empty_layer skipped). */
function auditLayers(image: Image, inv: ImageInventory): AuditLayer[] {
  const history = (image.config?.value.history ?? []).filter((h) => !h.empty_layer);
  return image.layers.map((blob, i) => {
    const usage = inv.layers[i];
    const line = history.length === image.layers.length ? history[i]?.created_by : undefined;
    // a history line that holds a secret (a build argument) is not repeated in the report
    const createdBy =
      line && scanConfig([], [line]).length > 0 ? '(withheld: this history line holds a secret)' : line;
    return {
      digest: blob.descriptor.digest,
      compressedSize: blob.descriptor.size,
      size: usage?.fileBytes ?? 0,
      entries: usage?.entries ?? 0,
      hiddenBytes: usage?.hiddenBytes ?? 0,
      ...(createdBy ? { createdBy } : {}),
    };
  });
}

/** The base an image names in its manifest annotations (image-spec annotations.md), if any. */
function baseOf(image: Image): ImageAudit['base'] {
  const a = image.manifest.value.annotations ?? {};
  const name = a[Annotation.baseName];
  const digest = a[Annotation.baseDigest];
  if (name === undefined && digest === undefined) return undefined;
  return {
    ...(name ? { name } : {}),
    ...(digest ? { digest } : {}),
    pinned: digest !== undefined || /@sha256:[0-9a-f]{64}$/.test(name ?? ''),
  };
}

/** exec form, shell form (`sh -c`), or none, of the entrypoint (or the command when there is none). */
export function entrypointForm(exec: ExecConfig): 'exec' | 'shell' | 'none' {
  const argv = exec.Entrypoint?.length ? exec.Entrypoint : exec.Cmd;
  if (!argv?.length) return 'none';
  const shell = /(^|\/)(sh|bash|dash|ash)$/.test(argv[0] ?? '') && argv[1] === '-c';
  return shell ? 'shell' : 'exec';
}

function modeText(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
