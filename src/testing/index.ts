// Public surface of testing: fakes that are product code (a signed fake Debian repository), for pith's own
// tests and for library users' tests.
export * from './fake-debian-repo.ts';
export * from './fault-proxy.ts';
export * from './memory-registry.ts';
