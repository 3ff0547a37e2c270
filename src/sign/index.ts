// Public surface of sign: cosign-compatible keys, simple-signing payloads, in-toto statements, sigstore
// bundles (signed and verified through sigstore-js), and the SLSA provenance pith writes.

export * from './bundle.ts';
export * from './cosign-key.ts';
export * from './error-codes.ts';
export * from './in-toto.ts';
export * from './key-crypto.ts';
export * from './simple-signing.ts';
export * from './slsa-provenance.ts';
