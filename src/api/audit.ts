// `audit`: the attack surface and layer economy of every image (platform) a reference names, from the same
// single pass over the layers the inventory makes.
import { type AuditResult, auditImage, type ImageAudit } from '../audit/index.ts';
import { inventoryImage } from '../inventory/index.ts';
import { parseTransportRef, readArtifact } from '../io/index.ts';
import { imagesOf, topDocument } from '../oci/index.ts';
import type { Context } from './context.ts';

export type { AuditResult as AuditReport };

export async function audit(ctx: Context, reference: string): Promise<AuditResult> {
  const artifact = await readArtifact(parseTransportRef(reference, { allowBarePath: true }), ctx.read());
  const images: ImageAudit[] = [];
  for (const image of imagesOf(artifact)) {
    ctx.emit({ type: 'phase', phase: 'inventory', item: `${reference} ${image.manifest.digest}` });
    images.push(auditImage(image, await inventoryImage(image, { where: reference, signal: ctx.signal })));
  }
  return { reference, digest: topDocument(artifact).digest, images };
}
