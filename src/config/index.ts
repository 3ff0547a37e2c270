// Public surface of config: what the user asks for — pith.yaml's schema and loading (with file:line:col
// errors), the shipped presets, architecture names, and the JSON Schema of the config.
export * from './arch.ts';
export * from './config-load.ts';
export * from './config-schema.ts';
export * from './constants.ts';
export { CONFIG_ERROR_CODES, type ConfigErrorCode } from './error-codes.ts';
export * from './field-error.ts';
export * from './json-schema.ts';
export * from './preset.ts';
