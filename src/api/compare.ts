// `compare`: the seed articles' table, measured: for each reference (one platform of it), the audit's
// columns and, when feeds are given, CVEs by severity. One pass over each image's layers gives both the
// audit and the inventory the vulnerability match reads.
import { type ComparedImage, comparedImage } from '../audit/index.ts';
import { examine } from './audit.ts';
import type { Context } from './context.ts';
import { feedSet, scanInventory } from './scan.ts';

export type { ComparedImage } from '../audit/index.ts';

export interface CompareRequest {
  references: string[];
  /** Vulnerability feeds (as for scan); without them `vulnerabilities` is left out. */
  feeds?: string[];
  /** The platform to compare of each multi-platform reference (default: linux/amd64, else the first). */
  platform?: string;
}

export interface CompareReport {
  images: ComparedImage[];
}

export async function compare(ctx: Context, req: CompareRequest): Promise<CompareReport> {
  const feeds = req.feeds?.length ? await feedSet(ctx, req.feeds) : undefined;
  const images: ComparedImage[] = [];
  for (const reference of req.references) {
    const { inventory, audit } = await examine(ctx, reference, req.platform ?? 'one');
    const scan = feeds ? await scanInventory(ctx, inventory, feeds, { updates: false }) : undefined;
    // scanInventory reports every image of the inventory it is given: here exactly one
    images.push(comparedImage(reference, audit.images[0]!, scan ? scan.images[0]!.counts : undefined));
  }
  return { images };
}
