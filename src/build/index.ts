// Public surface of build: config loading and image assembly (orchestration only; no sinks).
export * from './arch.ts';
export * from './build-image.ts';
export { effectiveConfig, makeLock } from './build-image.ts';
export * from './config-load.ts';
export * from './config-schema.ts';
export { formatLock, type Lock, type LockedPackage, readLock } from './debian/lock.ts';
export { DEFAULT_PATH, DEFAULT_USER } from './exec-config.ts';
export { configJsonSchema } from './json-schema.ts';
export { listPresets, loadPreset, type PresetInfo } from './preset.ts';
