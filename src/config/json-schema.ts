// The published JSON Schema of pith.yaml (schema/pith.schema.json), derived from the zod schema so the two
// cannot drift. `mode` also admits YAML numbers, which pith reads from their source text as octal.
import { z } from 'zod';
import { configSchema } from './config-schema.ts';

export const SCHEMA_ID = 'urn:pith:schema:config:v1';

/** The JSON Schema (draft 2020-12) document for pith.yaml. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  patchModes(schema);
  return { ...schema, $id: SCHEMA_ID, title: 'pith image configuration' };
}

function patchModes(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  const props = (node as { properties?: Record<string, unknown> }).properties;
  if (props?.['mode'] && typeof props['mode'] === 'object') {
    props['mode'] = {
      anyOf: [
        props['mode'],
        { type: 'integer', minimum: 0, description: 'YAML number, read as octal digits' },
      ],
    };
  }
  for (const v of Object.values(node)) patchModes(v);
}
