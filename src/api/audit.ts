// `audit`: the attack surface and layer economy of every image (platform) a reference names, from the same
// single pass over the layers the inventory makes (secrets are looked for in that pass too). `examine` gives
// both, for compare, which also scans the inventory.
import {
  AUDIT_RULES,
  type AuditResult,
  auditImage,
  type ImageAudit,
  SecretScanner,
  sortFindings,
} from '../audit/index.ts';
import { type ImageInventory, type Inventory, inventoryImage } from '../inventory/index.ts';
import { parseTransportRef, readArtifact } from '../io/index.ts';
import { configPlatform, formatPlatform, type Image, imagesOf, topDocument } from '../oci/index.ts';
import { messageOf, PithError } from '../util/index.ts';
import type { Context } from './context.ts';
import { digest } from './registry.ts';

export type { AuditResult as AuditReport };

export interface AuditOptions {
  /**
   * Ask the registry of the base the image names (its own annotations say which) whether that tag has a
   * newer build. Off by default: an image from elsewhere would otherwise choose which hosts pith contacts.
   */
  checkBase?: boolean;
}

export async function audit(ctx: Context, reference: string, opts: AuditOptions = {}): Promise<AuditResult> {
  return (await examine(ctx, reference, undefined, opts)).audit;
}

/**
 * The inventory and the audit of the images of a reference: every platform's, or `platform`'s; with
 * `platform: 'one'`, one image: linux/amd64 if the index has it, else its first.
 */
export async function examine(
  ctx: Context,
  reference: string,
  platform?: string,
  opts: AuditOptions = {},
): Promise<{ inventory: Inventory; audit: AuditResult }> {
  const artifact = await readArtifact(parseTransportRef(reference, { allowBarePath: true }), ctx.read());
  const all = imagesOf(artifact);
  const chosen = choose(all, platform);
  if (chosen.length === 0)
    throw new PithError(
      'input',
      'NO_SUCH_PLATFORM',
      `${reference} has no ${platform} image (it has ${all.map(platformOf).join(', ')})`,
    );
  const inventories: ImageInventory[] = [];
  const audits: ImageAudit[] = [];
  for (const image of chosen) {
    ctx.emit({ type: 'phase', phase: 'inventory', item: `${reference} ${image.manifest.digest}` });
    const secrets = new SecretScanner();
    const inv = await inventoryImage(image, { where: reference, signal: ctx.signal, scan: secrets });
    inventories.push(inv);
    const a = auditImage(image, inv, secrets.hits);
    if (opts.checkBase) await checkBase(ctx, a);
    audits.push(a);
  }
  const digest = topDocument(artifact).digest;
  return {
    inventory: { reference, digest, images: inventories },
    audit: { reference, digest, images: audits },
  };
}

/**
 * Asks the base's registry which digest its tag names now (online only, for a base named by tag with a
 * digest recorded); a newer build is finding PITH-A014. An unreachable registry is a warning, not a failure.
 */
async function checkBase(ctx: Context, a: ImageAudit): Promise<void> {
  const base = a.base;
  if (ctx.settings.offline || !base?.name || !base.digest || base.name.includes('@')) return;
  try {
    const current = await digest(ctx, `docker://${base.name}`);
    base.current = current;
    if (current === base.digest) return;
    a.findings.push({
      id: 'PITH-A014',
      severity: AUDIT_RULES['PITH-A014'].severity,
      message: `${base.name} is now ${current}; the image is built on ${base.digest}`,
      fix: AUDIT_RULES['PITH-A014'].fix,
    });
    sortFindings(a.findings);
  } catch (err) {
    ctx.emit({
      type: 'warning',
      code: 'BASE_UNCHECKED',
      message: `could not ask ${base.name}'s registry for its newest build: ${messageOf(err)}`,
    });
  }
}

function choose(all: readonly Image[], platform: string | undefined): Image[] {
  if (platform === undefined) return [...all];
  if (platform !== 'one') return all.filter((i) => platformOf(i) === platform);
  return [all.find((i) => platformOf(i) === 'linux/amd64') ?? all[0]].filter((i) => i !== undefined);
}

function platformOf(image: Image): string {
  return image.config ? formatPlatform(configPlatform(image.config.value)) : 'unknown';
}
