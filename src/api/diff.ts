// `diff`: what changed between two images (one platform of each), from one pass over each one's layers.
import { type DiffReport, imageDiff } from '../audit/index.ts';
import { examine } from './audit.ts';
import type { Context } from './context.ts';

export type { DiffReport, FileChange, PackageChange } from '../audit/index.ts';

export interface DiffRequest {
  from: string;
  to: string;
  /** The platform of multi-platform images to compare (default linux/amd64, else the first). */
  platform?: string;
}

export async function diff(ctx: Context, req: DiffRequest): Promise<DiffReport> {
  const a = await examine(ctx, req.from, req.platform ?? 'one');
  const b = await examine(ctx, req.to, req.platform ?? 'one');
  return imageDiff(
    { reference: req.from, inventory: a.inventory.images[0]!, audit: a.audit.images[0]! },
    { reference: req.to, inventory: b.inventory.images[0]!, audit: b.audit.images[0]! },
  );
}
