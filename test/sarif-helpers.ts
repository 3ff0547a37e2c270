// The official SARIF 2.1.0 JSON schema (rtm.5, as @microsoft/jest-sarif ships it), compiled with ajv's
// draft-04 build: what every SARIF log pith writes (scan, audit, policy, lint) is checked against.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { ROOT } from './helpers.ts';

let validator: ValidateFunction | undefined;

/** The SARIF 2.1.0 schema's validator (compiled once). */
export function sarifValidator(): ValidateFunction {
  if (validator !== undefined) return validator;
  const file = join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  // the schema's patterns are not valid with the `u` flag ajv adds by default
  // (CommonJS modules: under Node's ESM interop their exports are on `.default`)
  const ajv = new ajvDraft04.default({ strict: false, allErrors: true, unicodeRegExp: false });
  ajvFormats.default(ajv);
  const compiled = ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
  validator = compiled;
  return compiled;
}
