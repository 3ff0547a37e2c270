// The audit module: what an image exposes (shells, package managers, privileges, who it runs as) and how
// its layers spend bytes, as findings with stable ids.
export * from './attack-surface.ts';
export * from './audit-image.ts';
export * from './compared-image.ts';
export * from './image-diff.ts';
export * from './rules.ts';
export * from './run-as.ts';
export * from './sarif.ts';
export * from './secret-rules.ts';
export * from './secrets.ts';
export * from './size-tree.ts';
export * from './types.ts';
