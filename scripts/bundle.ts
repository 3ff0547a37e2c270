// Bundles the command line into dist/bundle/ (rolldown): src/cli/main.ts and every npm package it reaches,
// as ES modules in a few dozen chunks, each command's lazily imported code in its own. A warm `--locked
// --offline` base build then loads 47 files instead of 561 and resolves no package.json on the way: it
// drops from about 0.85 s (tsc's dist/) to 0.65 s, and `pith --version` from 0.15 s to 0.09 s.
// bin/pith.js runs the bundle when it exists; the library (package.json `exports`) stays tsc's dist/.
// The chunks sit two folders below the package root, as src/<module>/ files do, so the paths derived from
// import.meta.dirname (presets/, keys/) resolve the same from either.
// Usage: node scripts/bundle.ts  (run by `npm run build` and by `prepare`, i.e. `npm ci`).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { rolldown } from 'rolldown';

const ROOT = join(import.meta.dirname, '..');
export const BUNDLE_DIR = join(ROOT, 'dist', 'bundle');

/** Writes the bundle into `dir` (a folder two below the package root), replacing what was there. */
export async function bundle(dir = BUNDLE_DIR): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  const build = await rolldown({
    input: { cli: join(ROOT, 'src', 'cli', 'main.ts') },
    platform: 'node',
    logLevel: 'warn',
  });
  try {
    await build.write({
      dir,
      format: 'esm',
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
    });
  } finally {
    await build.close();
  }
}

if (import.meta.main) await bundle();
