// `npm run bench`: every case compares pith against its named peer in the same run and prints a ratio.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildFilesCase } from './cases/build-files.ts';
import { debianBaseCase } from './cases/debian-base.ts';
import { inventoryCase } from './cases/inventory.ts';
import { registryCase } from './cases/registry.ts';
import { sh } from './lib.ts';

const work = resolve(import.meta.dirname, '..', '.bench');
process.stdout.write(`pith benchmarks (Node ${process.version}, ${process.arch})\n\n`);
await mkdir(work, { recursive: true });
// pith runs as users run it, bin/pith.js on the compiled dist/: compile the sources as they are now
await sh(
  `'${resolve(import.meta.dirname, '..', 'node_modules', '.bin', 'tsc')}' -p '${resolve(import.meta.dirname, '..', 'tsconfig.build.json')}'`,
);
await buildFilesCase(join(work, 'build-files'));
await debianBaseCase(join(work, 'debian-base'));
await registryCase(join(work, 'registry'));
await inventoryCase(join(work, 'inventory'));
