// The policy gate: a YAML policy (schema, sizes, patterns) and its evaluation against an image's audit,
// vulnerability counts and attachments.
export * from './evaluate.ts';
export * from './policy-schema.ts';
export * from './sarif.ts';
