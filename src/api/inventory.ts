// `inventory`: what any artifact holds, per platform — OS, packages and files — read from any transport.
import { type ImageInventory, type Inventory, inventoryImage } from '../inventory/index.ts';
import { parseTransportRef, readArtifact } from '../io/index.ts';
import { imagesOf, topDocument } from '../oci/index.ts';
import type { Context } from './context.ts';

export type { ImageInventory, Inventory };

/** The inventory of every image (platform) the reference names. */
export async function inventory(ctx: Context, reference: string): Promise<Inventory> {
  const artifact = await readArtifact(parseTransportRef(reference, { allowBarePath: true }), ctx.read());
  const images: ImageInventory[] = [];
  for (const image of imagesOf(artifact)) {
    ctx.emit({ type: 'phase', phase: 'inventory', item: `${reference} ${image.manifest.digest}` });
    images.push(await inventoryImage(image, { where: reference, signal: ctx.signal }));
  }
  return { reference, digest: topDocument(artifact).digest, images };
}
