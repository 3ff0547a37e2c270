// `audit`: the attack surface and layer economy of every image (platform) a reference names, from the same
// single pass over the layers the inventory makes (secrets are looked for in that pass too). `examine` gives
// both, for compare, which also scans the inventory.
import { type AuditResult, auditImage, type ImageAudit, SecretScanner } from '../audit/index.ts';
import { type ImageInventory, type Inventory, inventoryImage } from '../inventory/index.ts';
import { parseTransportRef, readArtifact } from '../io/index.ts';
import { configPlatform, formatPlatform, type Image, imagesOf, topDocument } from '../oci/index.ts';
import { PithError } from '../util/index.ts';
import type { Context } from './context.ts';

export type { AuditResult as AuditReport };

export async function audit(ctx: Context, reference: string): Promise<AuditResult> {
  return (await examine(ctx, reference)).audit;
}

/**
 * The inventory and the audit of the images of a reference: every platform's, or `platform`'s; with
 * `platform: 'one'`, one image: linux/amd64 if the index has it, else its first.
 */
export async function examine(
  ctx: Context,
  reference: string,
  platform?: string,
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
    audits.push(auditImage(image, inv, secrets.hits));
  }
  const digest = topDocument(artifact).digest;
  return {
    inventory: { reference, digest, images: inventories },
    audit: { reference, digest, images: audits },
  };
}

function choose(all: readonly Image[], platform: string | undefined): Image[] {
  if (platform === undefined) return [...all];
  if (platform !== 'one') return all.filter((i) => platformOf(i) === platform);
  return [all.find((i) => platformOf(i) === 'linux/amd64') ?? all[0]].filter((i) => i !== undefined);
}

function platformOf(image: Image): string {
  return image.config ? formatPlatform(configPlatform(image.config.value)) : 'unknown';
}
