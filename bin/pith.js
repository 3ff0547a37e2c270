#!/usr/bin/env node
// pith command-line entry: checks the Node.js version, then runs the bundled CLI (dist/bundle/, made by
// scripts/bundle.ts when `npm ci` or `npm run build` runs), or the TypeScript sources directly in a
// development checkout that has not been built.
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `pith: Node.js ${process.versions.node} is too old; pith needs Node.js 22.18 or newer (24 LTS recommended).\n` +
      '      In a checkout, `npx pith` and `npm run` use the Node 24 that `npm ci` installs.\n',
  );
  process.exit(5);
}
// V8's compiled code is cached on disk (Node's compile cache, in the OS temp dir): startup drops by a third
nodeModule.enableCompileCache?.();
const bundled = new URL('../dist/bundle/cli.js', import.meta.url);
const { run } = await import(
  existsSync(bundled) ? bundled.href : new URL('../src/cli/main.ts', import.meta.url).href
);
process.exitCode = await run(process.argv.slice(2));
