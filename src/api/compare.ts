// `compare`: the seed articles' table, measured: for each reference (one platform of it), packages, CVEs by
// severity (when feeds are given), shell and package manager yes/no, the user, compressed and uncompressed
// size, layers, and audit findings by severity. One pass over each image's layers gives both the audit and
// the inventory the vulnerability match reads.
import { AUDIT_SEVERITIES, type AuditSeverity } from '../audit/index.ts';
import { SEVERITIES, type Severity } from '../vuln/index.ts';
import { examine } from './audit.ts';
import type { Context } from './context.ts';
import { feedSet, scanInventory } from './scan.ts';

export interface CompareRequest {
  references: string[];
  /** Vulnerability feeds (as for scan); without them `vulnerabilities` is left out. */
  feeds?: string[];
  /** The platform to compare of each multi-platform reference (default: linux/amd64, else the first). */
  platform?: string;
}

export interface ComparedImage {
  reference: string;
  digest: string;
  platform?: string;
  packages: number;
  shells: string[];
  packageManagers: string[];
  /** uid[:gid] and name as the image runs; `root` for root. */
  user: string;
  compressedSize: number;
  uncompressedSize: number;
  layers: number;
  /** By severity; present when feeds were given. */
  vulnerabilities?: Record<Severity, number>;
  findings: Record<AuditSeverity, number>;
}

export interface CompareReport {
  images: ComparedImage[];
}

export async function compare(ctx: Context, req: CompareRequest): Promise<CompareReport> {
  const feeds = req.feeds?.length ? await feedSet(ctx, req.feeds) : undefined;
  const images: ComparedImage[] = [];
  for (const reference of req.references) {
    const { inventory, audit } = await examine(ctx, reference, req.platform ?? 'one');
    const a = audit.images[0]!;
    const scan = feeds ? await scanInventory(ctx, inventory, feeds, { updates: false }) : undefined;
    const findings = Object.fromEntries(AUDIT_SEVERITIES.map((s) => [s, 0])) as Record<AuditSeverity, number>;
    for (const f of a.findings) findings[f.severity]++;
    images.push({
      reference,
      digest: a.digest,
      ...(a.platform ? { platform: a.platform } : {}),
      packages: a.packages,
      shells: a.shells,
      packageManagers: a.packageManagers,
      user: a.user.root
        ? 'root'
        : `${a.user.uid ?? '?'}${a.user.gid !== undefined ? `:${a.user.gid}` : ''}${a.user.name ? ` (${a.user.name})` : ''}`,
      compressedSize: a.compressedSize,
      uncompressedSize: a.size,
      layers: a.layers.length,
      ...(scan ? { vulnerabilities: scan.images[0]?.counts ?? zero() } : {}),
      findings,
    });
  }
  return { images };
}

function zero(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}
