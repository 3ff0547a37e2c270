// Finds the image references in YAML: a pith config's top-level `from:`, Compose `services.<name>.image`
// (also through `<<: *anchor` merges), and Kubernetes `image:` of every item of `containers`,
// `initContainers` and `ephemeralContainers` at any depth, in every document of a multi-document stream.
// Nodes are located through the parser's source tokens (keepSourceTokens), so the engine edits only the
// bytes of the scalar itself: comments, anchors, quoting, indentation and line endings stay as they were.
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parseAllDocuments,
  type YAMLMap,
} from 'yaml';
import { PithError } from '../util/index.ts';
import type { Scan, Site, SiteSkip } from './types.ts';

export const WHY_VARIABLES = 'uses variables';
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

type Doc = Document.Parsed;

/** Parses every document; a syntax error is an input error naming line:col. */
export function parseYamlStream(text: string): Doc[] {
  const docs = parseAllDocuments(text, { keepSourceTokens: true });
  const list = Array.isArray(docs) ? docs : [];
  const problems = list.flatMap((d) => d.errors);
  if (problems.length > 0) {
    const lines = problems.map((e) => {
      const p = e.linePos?.[0];
      return `${p ? `${p.line}:${p.col}` : `offset ${e.pos[0]}`}: ${e.message.split('\n')[0]}`;
    });
    throw new PithError('input', 'BAD_YAML', `not valid YAML:\n  ${lines.join('\n  ')}`);
  }
  return list as Doc[];
}

const keyOf = (pair: Pair<unknown, unknown>): string | undefined =>
  isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : undefined;

function pairOf(map: YAMLMap<unknown, unknown>, key: string): Pair<unknown, unknown> | undefined {
  return map.items.find((p) => keyOf(p) === key);
}

function deref(doc: Doc, node: unknown): unknown {
  return isAlias(node) ? (node as Alias).resolve(doc) : node;
}

/** Scans a YAML stream for image references. */
export function scanYaml(text: string): Scan {
  const sites: Site[] = [];
  const skipped: SiteSkip[] = [];
  const seen = new Set<unknown>();

  /** Turns an `image:` / `from:` value into a site, or a reason to leave it alone. */
  const value = (doc: Doc, raw: unknown): void => {
    const node = deref(doc, raw);
    if (node === undefined || node === null || seen.has(node)) return;
    seen.add(node);
    const skip = (n: unknown, text: string, why: string): void => {
      skipped.push({ offset: (n as Node).range?.[0] ?? 0, text, why });
    };
    if (!isScalar(node)) {
      const r = (node as Node).range;
      skip(node, r ? text.slice(r[0], r[1]) : String(node), 'not a string');
      return;
    }
    const v = node.value;
    if (typeof v !== 'string') {
      if (v !== null) skip(node, String(v), 'not a string');
      return;
    }
    const token = node.srcToken;
    if (
      !token ||
      !('source' in token) ||
      (token.type !== 'scalar' &&
        token.type !== 'single-quoted-scalar' &&
        token.type !== 'double-quoted-scalar')
    ) {
      skip(node, v, 'block scalar');
      return;
    }
    const quoted = token.type !== 'scalar' ? 1 : 0;
    const inner = token.source.slice(quoted, token.source.length - quoted);
    if (inner !== v) {
      skip(node, v, 'uses escapes or spans lines');
      return;
    }
    if (v.includes('$')) {
      skipped.push({ offset: token.offset + quoted, text: v, why: WHY_VARIABLES });
      return;
    }
    if (v === '') return;
    sites.push({ start: token.offset + quoted, end: token.offset + quoted + v.length, text: v });
  };

  const compose = (doc: Doc, services: YAMLMap<unknown, unknown>): void => {
    for (const svc of services.items) {
      const map = deref(doc, svc.value);
      if (!isMap(map)) continue;
      // The service's own keys win over merged ones, as in Compose.
      const sources: YAMLMap<unknown, unknown>[] = [map];
      for (const p of map.items) {
        if (keyOf(p) !== '<<') continue;
        const merged = isSeq(p.value) ? p.value.items : [p.value];
        for (const m of merged) {
          const r = deref(doc, m);
          if (isMap(r)) sources.push(r);
        }
      }
      const image = sources.map((s) => pairOf(s, 'image')).find((p) => p !== undefined);
      if (!image) continue;
      if (sources.some((s) => pairOf(s, 'build') !== undefined)) {
        const node = deref(doc, image.value);
        if (isScalar(node) && typeof node.value === 'string' && !seen.has(node)) {
          seen.add(node);
          skipped.push({
            offset: node.range?.[0] ?? 0,
            text: node.value,
            why: 'names the image that build: produces',
          });
        }
        continue;
      }
      value(doc, image.value);
    }
  };

  const walk = (doc: Doc, node: unknown, depth: number): void => {
    if (depth > 200) return;
    if (isMap(node)) {
      for (const p of node.items) {
        const key = keyOf(p);
        if (key !== undefined && CONTAINER_LISTS.has(key) && isSeq(p.value)) {
          for (const item of p.value.items) {
            const c = deref(doc, item);
            if (!isMap(c)) continue;
            const image = pairOf(c, 'image');
            if (image) value(doc, image.value);
          }
        }
        walk(doc, p.value, depth + 1);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(doc, item, depth + 1);
    }
  };

  for (const doc of parseYamlStream(text)) {
    const root = doc.contents;
    if (isMap(root)) {
      const from = pairOf(root, 'from');
      if (from) value(doc, from.value);
      const services = deref(doc, pairOf(root, 'services')?.value);
      if (isMap(services)) compose(doc, services);
    }
    walk(doc, root, 0);
  }
  sites.sort((a, b) => a.start - b.start);
  skipped.sort((a, b) => a.offset - b.offset);
  return { sites, skipped };
}
