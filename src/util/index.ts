// Public surface of util: zero-dependency helpers shared by every module.

export * from './abort.ts';
export * from './atomic-write.ts';
export * from './bounded-pool.ts';
export * from './buffer-garbage.ts';
export * from './byte-queue.ts';
export * from './canonical-json.ts';
export * from './compare.ts';
export * from './content-cache.ts';
export * from './digest.ts';
export * from './epoch.ts';
export * from './error-codes.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './http-retry.ts';
export * from './human-size.ts';
export * from './memo.ts';
export * from './network-timeout.ts';
export * from './node-http.ts';
export * from './read-user-file.ts';
export * from './redact-url.ts';
export * from './sarif.ts';
export * from './scope.ts';
export * from './siphash.ts';
export * from './streams.ts';
export * from './system-error.ts';
export * from './tool.ts';
