// Human text for artifact summaries (inspect and build).
import type { ArtifactSummary, ImageSummary } from '../api/index.ts';
import { humanSize } from '../util/index.ts';

export function formatSummary(s: ArtifactSummary, title: string): string {
  const lines = [`${title}`, `  digest     ${s.digest}`, `  mediaType  ${s.mediaType}`];
  if (s.images.length > 1) lines.push(`  platforms  ${s.images.map((i) => i.platform ?? '?').join(', ')}`);
  for (const img of s.images) lines.push('', ...formatImage(img));
  return lines.join('\n');
}

function formatImage(i: ImageSummary): string[] {
  const out = [`${i.platform ?? 'image'}  ${i.digest}  (${humanSize(i.size)})`];
  const row = (k: string, v: unknown) => {
    if (v !== undefined && v !== null)
      out.push(`  ${k.padEnd(11)}${typeof v === 'string' ? v : JSON.stringify(v)}`);
  };
  row('config', i.configDigest);
  row('created', i.created);
  row('user', i.user);
  row('entrypoint', i.entrypoint);
  row('cmd', i.cmd);
  row('workdir', i.workdir);
  for (const e of i.env ?? []) row('env', e);
  row('ports', i.exposedPorts?.join(', '));
  row('volumes', i.volumes?.join(', '));
  row('stopSignal', i.stopSignal);
  for (const [k, v] of Object.entries(i.labels ?? {})) row('label', `${k}=${v}`);
  for (const [k, v] of Object.entries(i.annotations ?? {})) row('annotation', `${k}=${v}`);
  out.push(`  layers (${i.layers.length}):`);
  for (const l of i.layers) out.push(`    ${l.digest}  ${humanSize(l.size).padStart(10)}  ${l.mediaType}`);
  return out;
}
