// `npm run bench [-- CASE…]`: every case compares pith against its named peer in the same run and prints a ratio.
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BUNDLE_DIR, bundle } from '../scripts/bundle.ts';
import { buildFilesCase } from './cases/build-files.ts';
import { debianBaseCase } from './cases/debian-base.ts';
import { inventoryCase } from './cases/inventory.ts';
import { nodeAppCase } from './cases/node-app.ts';
import { registryCase } from './cases/registry.ts';
import { signingCase } from './cases/signing.ts';
import { startupCase } from './cases/startup.ts';

const work = resolve(import.meta.dirname, '..', '.bench');
process.stdout.write(`pith benchmarks (Node ${process.version}, ${process.arch})\n\n`);
await mkdir(work, { recursive: true });
// pith runs as users run it, bin/pith.js on the bundle in dist/bundle/: bundle the sources as they are now
await bundle();
// `npm run bench -- inventory registry` runs only the cases named
const cases: [string, (dir: string) => Promise<void>][] = [
  ['startup', startupCase],
  ['build-files', buildFilesCase],
  ['debian-base', debianBaseCase],
  ['registry', registryCase],
  ['inventory', inventoryCase],
  ['node-app', nodeAppCase],
  ['signing', signingCase],
];
const only = process.argv.slice(2);
const unknown = only.filter((name) => !cases.some(([n]) => n === name));
if (unknown.length)
  throw new Error(`unknown bench case ${unknown.join(', ')}: ${cases.map(([n]) => n).join(', ')}`);
try {
  for (const [name, run] of cases) if (only.length === 0 || only.includes(name)) await run(join(work, name));
} finally {
  // bin/pith.js prefers the bundle when it exists: leave none behind, or the checkout would run this one later
  await rm(BUNDLE_DIR, { recursive: true, force: true });
}
