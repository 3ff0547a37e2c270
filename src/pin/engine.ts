// The pin engine: scan a file for image references, resolve each distinct tag once through the injected
// resolver, and splice `@digest` in after the reference text as written, touching no other byte.
import { parseReference, withDefaultTag } from '../oci/index.ts';
import { type Digest, isDigest, messageOf, PithError } from '../util/index.ts';
import { scanDockerfile } from './dockerfile.ts';
import type { PinChange, PinFormat, PinOptions, PinResult, PinSkip, Resolve, Scan, Site } from './types.ts';
import { scanYaml } from './yaml.ts';

/** How many distinct references are resolved at once. */
const CONCURRENCY = 4;

/** 1-based line and column of an offset (a BOM is not a column). */
function positions(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 - (lo === 0 ? bom : 0) };
  };
}

interface Plan {
  site: Site;
  /** The text the digest is appended to (the reference without any old digest). */
  base: string;
  /** `registry/repository:tag`, the resolver key. */
  key: string;
  ref: ReturnType<typeof parseReference>;
  reason: 'pinned' | 'updated';
}

async function resolveAll(
  keys: Map<string, ReturnType<typeof parseReference>>,
  resolve: Resolve,
): Promise<Map<string, { digest: Digest } | { error: unknown }>> {
  const out = new Map<string, { digest: Digest } | { error: unknown }>();
  const queue = [...keys];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [key, ref] = next;
      try {
        const digest = await resolve(ref);
        if (!isDigest(digest)) throw new Error(`the resolver returned "${String(digest)}", not a digest`);
        out.set(key, { digest });
      } catch (error) {
        out.set(key, { error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  return out;
}

/**
 * Pins the image references of a Dockerfile or YAML file. Returns the new text with the list of
 * changes; in check mode returns the text unchanged and lists the references without a digest.
 * Throws PithError('input', 'PIN_FAILED') listing every reference that could not be resolved.
 */
export async function pinText(
  text: string,
  format: PinFormat,
  resolve: Resolve,
  opts: PinOptions = {},
): Promise<PinResult> {
  const scan: Scan = format === 'dockerfile' ? scanDockerfile(text) : scanYaml(text);
  const pos = positions(text);
  const skipped: PinSkip[] = scan.skipped.map((s) => ({
    line: pos(s.offset).line,
    text: s.text,
    why: s.why,
  }));
  const unpinned: PinChange[] = [];
  const plans: Plan[] = [];

  for (const site of scan.sites) {
    let ref: ReturnType<typeof parseReference>;
    try {
      ref = parseReference(site.text);
    } catch (err) {
      skipped.push({ line: pos(site.start).line, text: site.text, why: messageOf(err) });
      continue;
    }
    if (ref.digest === undefined) {
      if (opts.check) {
        unpinned.push({ ...pos(site.start), before: site.text, after: site.text, reason: 'no digest' });
        continue;
      }
      const key = withDefaultTag(ref);
      plans.push({ site, base: site.text, key: keyOf(key), ref: key, reason: 'pinned' });
    } else if (opts.update && !opts.check) {
      if (ref.tag === undefined) {
        skipped.push({
          line: pos(site.start).line,
          text: site.text,
          why: 'has a digest but no tag to re-resolve',
        });
        continue;
      }
      const { digest: _old, ...tagged } = ref;
      const base = site.text.slice(0, site.text.lastIndexOf('@'));
      plans.push({ site, base, key: keyOf(tagged), ref: tagged, reason: 'updated' });
    }
  }
  skipped.sort((a, b) => a.line - b.line);
  if (plans.length === 0) return { text, changes: [], unpinned, skipped };

  const distinct = new Map(plans.map((p) => [p.key, p.ref]));
  const resolved = await resolveAll(distinct, resolve);
  const failures: { line: number; column: number; ref: string; message: string; error: unknown }[] = [];
  const changes: PinChange[] = [];
  const edits: { start: number; end: number; after: string }[] = [];
  for (const p of plans) {
    const r = resolved.get(p.key)!;
    const where = pos(p.site.start);
    if ('error' in r) {
      failures.push({ ...where, ref: p.site.text, message: messageOf(r.error), error: r.error });
      continue;
    }
    const after = `${p.base}@${r.digest}`;
    if (after === p.site.text) continue;
    changes.push({ ...where, before: p.site.text, after, reason: p.reason });
    edits.push({ start: p.site.start, end: p.site.end, after });
  }
  if (failures.length > 0) {
    const list = failures.map((f) => `  ${f.line}:${f.column} ${f.ref}: ${f.message}`).join('\n');
    const errors = failures.map((f) => f.error);
    throw new PithError(
      'input',
      'PIN_FAILED',
      `could not resolve ${failures.length} image reference${failures.length === 1 ? '' : 's'}:\n${list}`,
      {
        cause: errors.length === 1 ? errors[0] : new AggregateError(errors),
        details: { failures: failures.map(({ error: _e, ...f }) => f) },
      },
    );
  }

  let out = '';
  let at = 0;
  for (const e of edits.sort((a, b) => a.start - b.start)) {
    out += text.slice(at, e.start) + e.after;
    at = e.end;
  }
  out += text.slice(at);
  checkRescan(format, out, changes);
  return { text: out, changes, unpinned, skipped };
}

const keyOf = (r: ReturnType<typeof parseReference>) => `${r.registry}/${r.repository}:${r.tag ?? ''}`;

/** The rewritten text must still parse and hold every new reference (a bug guard, never a user error). */
function checkRescan(format: PinFormat, text: string, changes: PinChange[]): void {
  let found: Set<string>;
  try {
    found = new Set(
      (format === 'dockerfile' ? scanDockerfile(text) : scanYaml(text)).sites.map((s) => s.text),
    );
  } catch (err) {
    throw new PithError(
      'internal',
      'PIN_BROKE_FILE',
      `pinning produced an unreadable ${format}: ${messageOf(err)}`,
    );
  }
  for (const c of changes)
    if (!found.has(c.after))
      throw new PithError(
        'internal',
        'PIN_BROKE_FILE',
        `pinning lost the reference ${c.after} (line ${c.line})`,
      );
}
