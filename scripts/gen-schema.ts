// Regenerates schema/pith.schema.json from the zod config schema (`npm run schema`); a test checks that the
// committed file is current.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configJsonSchema } from '../src/config/index.ts';

const file = resolve(import.meta.dirname, '..', 'schema', 'pith.schema.json');
writeFileSync(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
