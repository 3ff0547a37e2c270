// Public surface of vuln: vulnerability feeds (the Debian security tracker JSON, OSV records, files,
// directories, zip exports, URLs cached with conditional GET), matching installed packages against them
// with each ecosystem's version ordering, OpenVEX read and written, and findings as SARIF and CycloneDX.
export * from './cyclonedx-vulns.ts';
export * from './debian-releases.ts';
export * from './error-codes.ts';
export * from './feed-load.ts';
export * from './feed-read.ts';
export * from './feed-set.ts';
export * from './match.ts';
export * from './openvex-read.ts';
export * from './openvex-write.ts';
export * from './osv-affected.ts';
export * from './osv-record.ts';
export * from './sarif.ts';
export * from './sbom-packages.ts';
export * from './severity.ts';
export * from './tracker-feed.ts';
export * from './types.ts';
export * from './vex-triage.ts';
