// Regenerates the published JSON Schemas from their zod schemas (`npm run schema`): schema/pith.schema.json
// (pith.yaml) and schema/policy.schema.json (policy files); a test checks that the committed files are current.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configJsonSchema } from '../src/config/index.ts';
import { policyJsonSchema } from '../src/policy/index.ts';

for (const [name, schema] of [
  ['pith.schema.json', configJsonSchema()],
  ['policy.schema.json', policyJsonSchema()],
] as const) {
  const file = resolve(import.meta.dirname, '..', 'schema', name);
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}
