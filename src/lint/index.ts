// Dockerfile lint for minimal images: the rules, the linter, and its SARIF.
export * from './dockerfile-lint.ts';
export * from './rules.ts';
export * from './sarif.ts';
